import { Account, EVENT_PAYLOADS, type EventEnvelope } from '../../dashboard/index.js';
import { UnexpectedEventError, type StoreModel } from '../shared/store.js';
import { seedAccounts } from './seed.js';

/** Open accounts of one user; a closed account is gone from reads. */
export interface AccountsState {
  accounts: Account[];
}

const AccountClosed = EVENT_PAYLOADS.AccountClosed;

/** Replays are idempotent per account id, so an event applied twice changes nothing. */
export const accountsModel: StoreModel<AccountsState> = {
  seed: (userId) => ({ accounts: seedAccounts(userId) }),
  apply(state, event: EventEnvelope) {
    switch (event.type) {
      case 'AccountCreated': {
        const account = Account.parse(event.data);
        return { accounts: [...state.accounts.filter((a) => a.id !== account.id), account] };
      }
      case 'AccountUpdated': {
        const account = Account.parse(event.data);
        return { accounts: state.accounts.map((a) => (a.id === account.id ? account : a)) };
      }
      case 'AccountClosed': {
        const { accountId } = AccountClosed.parse(event.data);
        return { accounts: state.accounts.filter((a) => a.id !== accountId) };
      }
      default:
        throw new UnexpectedEventError('accounts', event);
    }
  },
};
