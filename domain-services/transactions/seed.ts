import { seedAccounts } from '../accounts/seed.js';
import { roundMoney, seededRandom } from '../shared/prng.js';
import type { Category, TransactionRecord } from './model.js';

/** [description, category, min, max] in cents; negative = money out. */
type Payment = readonly [description: string, category: Category, minCents: number, maxCents: number];
const PAYMENTS: readonly [Payment, ...Payment[]] = [
  ['FreshCart Groceries', 'groceries', -12_000, -800],
  ['Corner Bakery', 'groceries', -1_500, -250],
  ['Trattoria Roma', 'dining', -9_000, -1_800],
  ['Coffee House', 'dining', -900, -300],
  ['CityMove monthly pass', 'transport', -8_900, -4_900],
  ['Fuel station', 'transport', -9_500, -3_000],
  ['Online marketplace', 'shopping', -25_000, -1_000],
  ['GreenGrid Energy', 'utilities', -18_000, -6_000],
  ['WaveLink Mobile', 'utilities', -4_500, -1_500],
];

const MONTH_STARTS = [Date.parse('2025-11-01T00:00:00.000Z'), Date.parse('2025-12-01T00:00:00.000Z')];

/**
 * Two months of activity on the user's current account (from the accounts seed, so the ids match):
 * salary and rent once a month, everyday payments in between. Booked before the seed epoch.
 */
export function seedTransactions(userId: string): TransactionRecord[] {
  const account = seedAccounts(userId).find((a) => a.type === 'current');
  if (account === undefined) return [];
  const r = seededRandom(`transactions:${userId}`);
  const currency = account.balance.currency;
  const salary = r.int(2_200, 6_500);
  const rent = r.int(600, 1_900);
  const records: { at: number; description: string; category: Category; cents: number }[] = [];
  for (const monthStart of MONTH_STARTS) {
    records.push({ at: monthStart + 86_400_000 * 0.3, description: 'Salary', category: 'salary', cents: salary * 100 });
    records.push({ at: monthStart + 86_400_000 * 1.4, description: 'Rent', category: 'rent', cents: -rent * 100 });
    const payments = r.int(8, 18);
    for (let i = 0; i < payments; i++) {
      const [description, category, min, max] = r.pick(PAYMENTS);
      records.push({
        at: monthStart + r.int(2 * 24, 29 * 24) * 3_600_000,
        description,
        category,
        cents: r.int(min, max),
      });
    }
  }
  records.sort((a, b) => a.at - b.at);
  const n = userId.slice(2);
  return records.map((record, index) => ({
    accountId: account.id,
    transactionId: `tx-${n}-${index + 1}`,
    amount: { amount: roundMoney(record.cents / 100), currency },
    bookedAt: new Date(record.at).toISOString(),
    description: record.description,
    category: record.category,
  }));
}
