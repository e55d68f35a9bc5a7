import type { Account, Partner } from '../../../dashboard/contract/items.js';
import { formatMoney, humanise } from '../format';

const ACCOUNT_TYPE_WORDS: Record<Account['type'], string> = {
  current: 'Current account',
  savings: 'Savings account',
  credit_card: 'Credit card',
  deposit: 'Deposit',
  loan: 'Loan',
  investment: 'Investment',
};

export const accountTypeText = (type: Account['type']) => ACCOUNT_TYPE_WORDS[type];

export function PinnedBadge() {
  return <span className="badge">Pinned</span>;
}

export function AccountItem({ account, pinned }: { account: Account; pinned: boolean }) {
  return (
    <div className="item item-account">
      <div className="item-main">
        <span className="item-name">{account.name}</span>
        {pinned && <PinnedBadge />}
        <span className="item-detail">{accountTypeText(account.type)}</span>
      </div>
      <div className="item-side">
        <span className={account.balance.amount < 0 ? 'amount amount-negative' : 'amount'}>
          {formatMoney(account.balance)}
        </span>
        <span className="item-detail iban">{account.maskedIban}</span>
      </div>
    </div>
  );
}

export function PartnerItem({ partner, pinned }: { partner: Partner; pinned: boolean }) {
  return (
    <div className="item item-partner">
      <div className="item-main">
        <span className="item-name">{partner.name}</span>
        {pinned && <PinnedBadge />}
        <span className="item-detail">{humanise(partner.category)}</span>
      </div>
    </div>
  );
}
