import { z } from 'zod';
import { EVENT_PAYLOADS, type EventEnvelope } from '../../dashboard/index.js';
import { UnexpectedEventError, type StoreModel } from '../shared/store.js';
import { seedTransactions } from './seed.js';

export const CATEGORIES = [
  'groceries',
  'dining',
  'transport',
  'shopping',
  'utilities',
  'rent',
  'salary',
  'transfer',
  'other',
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

/**
 * TransactionPosted as this service journals it: the contract payload plus additive fields the
 * contract does not need (description, category). Consumers that only know the contract ignore them.
 */
export const TransactionRecord = EVENT_PAYLOADS.TransactionPosted.extend({
  description: z.string().min(1).max(140),
  category: Category,
});
export type TransactionRecord = z.infer<typeof TransactionRecord>;

/** One user's transactions, oldest first (appending is the common case). */
export interface TransactionsState {
  transactions: TransactionRecord[];
}

export const transactionsModel: StoreModel<TransactionsState> = {
  seed: (userId) => ({ transactions: seedTransactions(userId) }),
  apply(state, event: EventEnvelope) {
    if (event.type !== 'TransactionPosted') throw new UnexpectedEventError('transactions', event);
    const posted = TransactionRecord.parse(event.data);
    if (state.transactions.some((t) => t.transactionId === posted.transactionId)) return state;
    return { transactions: [...state.transactions, posted] };
  },
};
