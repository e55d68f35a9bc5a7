import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { Id, Money } from '../../dashboard/index.js';
import { createEvent } from '../shared/events.js';
import { knownUser, parseJsonBody, parseWith } from '../shared/http.js';
import {
  createDomainService,
  type DomainService,
  type DomainServiceDeps,
  type RouteContext,
} from '../shared/service.js';
import { createAccountsClient, type AccountsClient } from './accounts-client.js';
import { computeInsights } from './insights.js';
import { Category, transactionsModel, type TransactionRecord, type TransactionsState } from './model.js';

export const PostTransactionBody = z.strictObject({
  accountId: Id,
  amount: Money.refine((m) => m.amount !== 0, { message: 'A transaction moves money: amount must not be 0' }),
  description: z.string().trim().min(1).max(140),
  category: Category.default('other'),
});

const RecentQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) });

export interface TransactionsDeps extends DomainServiceDeps {
  /** Where the accounts service answers, e.g. config ACCOUNTS_URL. */
  accountsUrl: string;
  /** Deadline of one call to the accounts service. */
  callTimeoutMs?: number;
  /** Replaces the HTTP client built from `accountsUrl`. */
  accounts?: AccountsClient;
}

/** The transactions service: recent transactions, insights computed from them, and posting new ones. */
export function createApp(deps: TransactionsDeps): Promise<DomainService> {
  const accounts =
    deps.accounts ?? createAccountsClient({ baseUrl: deps.accountsUrl, timeoutMs: deps.callTimeoutMs ?? 2_000 });
  return createDomainService('transactions', deps, transactionsModel, (app, ctx) =>
    mountTransactionRoutes(app, ctx, accounts),
  );
}

const newestFirst = (list: readonly TransactionRecord[]) =>
  [...list].sort((a, b) => b.bookedAt.localeCompare(a.bookedAt) || b.transactionId.localeCompare(a.transactionId));

function mountTransactionRoutes(
  app: Hono,
  { store, seedUsers, clock }: RouteContext<TransactionsState>,
  accounts: AccountsClient,
): void {
  app.get('/v1/users/:userId/transactions', (c) => {
    const userId = knownUser(c, seedUsers);
    const { limit } = parseWith(RecentQuery, c.req.query());
    const { state, asOf } = store.read(userId);
    return c.json({ userId, asOf, items: newestFirst(state.transactions).slice(0, limit) });
  });

  app.get('/v1/users/:userId/insights', (c) => {
    const userId = knownUser(c, seedUsers);
    const { state, asOf } = store.read(userId);
    return c.json({ userId, asOf, items: computeInsights(state.transactions) });
  });

  /**
   * The balance moves first (accounts journals and publishes AccountUpdated), then the transaction is
   * journaled here. If the accounts call fails nothing is journaled and the caller gets a 5xx to retry.
   */
  app.post('/v1/users/:userId/transactions', async (c) => {
    const userId = knownUser(c, seedUsers);
    const body = await parseJsonBody(c, PostTransactionBody);
    const { balanceAfter } = await accounts.post(userId, body.accountId, body.amount);
    const record: TransactionRecord = {
      accountId: body.accountId,
      transactionId: `tx-${randomUUID()}`,
      amount: body.amount,
      bookedAt: clock.now().toISOString(),
      balanceAfter,
      description: body.description,
      category: body.category,
    };
    const event = await store.write(userId, () =>
      createEvent('transactions', 'TransactionPosted', userId, record, clock),
    );
    return c.json(event, 201);
  });
}
