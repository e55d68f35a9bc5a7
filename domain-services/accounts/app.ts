import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { ACCOUNT_TYPES, CurrencyCode, Money, type Account } from '../../dashboard/index.js';
import { createEvent } from '../shared/events.js';
import { knownUser, parseJsonBody } from '../shared/http.js';
import { roundMoney, seededRandom } from '../shared/prng.js';
import { DomainError } from '../shared/problem.js';
import {
  createDomainService,
  type DomainService,
  type DomainServiceDeps,
  type RouteContext,
} from '../shared/service.js';
import { accountsModel, type AccountsState } from './model.js';
import { maskedIban } from './seed.js';

const AccountName = z.string().trim().min(1).max(120);

export const OpenAccountBody = z.strictObject({
  name: AccountName,
  type: z.enum(ACCOUNT_TYPES),
  currency: CurrencyCode.default('EUR'),
  initialBalance: z.number().finite().default(0),
});

export const UpdateAccountBody = z.strictObject({ name: AccountName });

/** A posting moves money on one account; the transactions service sends one per transaction. */
export const PostingBody = z.strictObject({ amount: Money });

export type AccountsDeps = DomainServiceDeps;

/** The accounts service: seeded accounts per user, open / rename / close, and balance postings. */
export function createApp(deps: AccountsDeps): Promise<DomainService> {
  return createDomainService('accounts', deps, accountsModel, mountAccountRoutes);
}

function mountAccountRoutes(app: Hono, { store, seedUsers, clock }: RouteContext<AccountsState>): void {
  const findAccount = (state: AccountsState, accountId: string): Account => {
    const account = state.accounts.find((a) => a.id === accountId);
    if (account === undefined)
      throw new DomainError('ACCOUNT_NOT_FOUND', 404, `No open account ${JSON.stringify(accountId)}.`);
    return account;
  };

  app.get('/v1/users/:userId/accounts', (c) => {
    const userId = knownUser(c, seedUsers);
    const { state, asOf } = store.read(userId);
    return c.json({ userId, asOf, items: state.accounts });
  });

  app.post('/v1/users/:userId/accounts', async (c) => {
    const userId = knownUser(c, seedUsers);
    const body = await parseJsonBody(c, OpenAccountBody);
    const id = `acc-${randomUUID()}`;
    const account: Account = {
      id,
      name: body.name,
      type: body.type,
      balance: { amount: roundMoney(body.initialBalance), currency: body.currency },
      maskedIban: maskedIban(seededRandom(id)),
      openedAt: clock.now().toISOString(),
    };
    const event = await store.write(userId, () => createEvent('accounts', 'AccountCreated', userId, account, clock));
    return c.json(event, 201);
  });

  app.patch('/v1/users/:userId/accounts/:accountId', async (c) => {
    const userId = knownUser(c, seedUsers);
    const accountId = c.req.param('accountId');
    const body = await parseJsonBody(c, UpdateAccountBody);
    const event = await store.write(userId, (state) =>
      createEvent('accounts', 'AccountUpdated', userId, { ...findAccount(state, accountId), ...body }, clock),
    );
    return c.json(event);
  });

  app.delete('/v1/users/:userId/accounts/:accountId', async (c) => {
    const userId = knownUser(c, seedUsers);
    const accountId = c.req.param('accountId');
    const event = await store.write(userId, (state) => {
      findAccount(state, accountId);
      return createEvent(
        'accounts',
        'AccountClosed',
        userId,
        { accountId, closedAt: clock.now().toISOString() },
        clock,
      );
    });
    return c.json(event);
  });

  app.post('/internal/users/:userId/accounts/:accountId/postings', async (c) => {
    const userId = knownUser(c, seedUsers);
    const accountId = c.req.param('accountId');
    const { amount } = await parseJsonBody(c, PostingBody);
    const event = await store.write(userId, (state) => {
      const account = findAccount(state, accountId);
      if (account.balance.currency !== amount.currency) {
        throw new DomainError(
          'ACCOUNT_CURRENCY_MISMATCH',
          422,
          `Account ${accountId} is in ${account.balance.currency}, the posting in ${amount.currency}.`,
        );
      }
      const balance = {
        amount: roundMoney(account.balance.amount + amount.amount),
        currency: account.balance.currency,
      };
      return createEvent('accounts', 'AccountUpdated', userId, { ...account, balance }, clock);
    });
    return c.json(event);
  });
}
