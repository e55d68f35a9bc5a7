import type { Account } from '../../dashboard/index.js';
import { roundMoney, seededRandom, type SeededRandom } from '../shared/prng.js';
import { userNumber } from '../shared/users.js';

type AccountType = Account['type'];

const NAMES: Record<AccountType, readonly [string, ...string[]]> = {
  current: ['Everyday Account', 'Main Account', 'Salary Account'],
  savings: ['Rainy Day Savings', 'Holiday Fund', 'Savings Account'],
  credit_card: ['Visa Gold', 'Mastercard Platinum', 'Travel Card'],
  deposit: ['12-Month Fixed Deposit', 'Term Deposit'],
  loan: ['Car Loan', 'Home Loan', 'Personal Loan'],
  investment: ['ETF Portfolio', 'Retirement Plan'],
};

/** [type, chance the user has it, balance range]: loans and cards are debts, so negative. */
const PRODUCTS: readonly [AccountType, number, number, number][] = [
  ['current', 1, -500, 8_000],
  ['savings', 0.7, 500, 40_000],
  ['credit_card', 0.5, -3_000, 0],
  ['deposit', 0.2, 5_000, 50_000],
  ['investment', 0.2, 1_000, 80_000],
  ['loan', 0.15, -200_000, -5_000],
];

const OPENED_FROM = Date.parse('2010-01-01T00:00:00.000Z');
const OPENED_DAYS = 5_800; // up to late 2025, before the seed epoch

/** A user's accounts before any write: the same for the same user id on every machine. */
export function seedAccounts(userId: string): Account[] {
  const r = seededRandom(`accounts:${userId}`);
  const n = userNumber(userId) ?? 0;
  const accounts: Account[] = [];
  for (const [type, chance, min, max] of PRODUCTS) {
    if (!r.chance(chance)) continue;
    accounts.push({
      id: `acc-${n}-${accounts.length + 1}`,
      name: r.pick(NAMES[type]),
      type,
      balance: {
        amount: roundMoney(r.int(min * 100, max * 100) / 100),
        currency: type === 'savings' && r.chance(0.1) ? 'CHF' : 'EUR',
      },
      maskedIban: maskedIban(r),
      openedAt: new Date(OPENED_FROM + r.int(0, OPENED_DAYS) * 86_400_000).toISOString(),
    });
  }
  return accounts;
}

/** Only the check digits and the last four digits are shown, as banking apps do. */
export function maskedIban(r: SeededRandom): string {
  const digits = (count: number) => Array.from({ length: count }, () => String(r.int(0, 9))).join('');
  return `DE${digits(2)} **** **** **** **${digits(2)} ${digits(2)}`;
}
