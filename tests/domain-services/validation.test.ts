import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp as createAccounts } from '../../domain-services/accounts/app.js';
import { createApp as createOffers } from '../../domain-services/offers/app.js';
import { createApp as createPartners } from '../../domain-services/partners/app.js';
import { createApp as createTransactions } from '../../domain-services/transactions/app.js';
import { seedAccounts } from '../../domain-services/accounts/seed.js';
import { baseDeps, expectProblem, randomUser, run, tempDataDir, type Running } from './support.js';

describe('bad input', () => {
  let accounts: Running;
  let partners: Running;
  let offers: Running;
  let transactions: Running;
  let removeDir: () => Promise<void>;

  beforeAll(async () => {
    const data = await tempDataDir();
    removeDir = data.remove;
    const deps = baseDeps(data.dir);
    accounts = await run(await createAccounts(deps));
    partners = await run(await createPartners(deps));
    offers = await run(await createOffers(deps));
    transactions = await run(await createTransactions({ ...deps, accountsUrl: accounts.url }));
  });
  afterAll(async () => {
    for (const s of [transactions, offers, partners, accounts]) await s.stop(100);
    await removeDir();
  });

  it('is a 4xx problem+json with a stable code, and nothing is journaled', async () => {
    const userId = randomUser();
    const account = seedAccounts(userId)[0];
    if (account === undefined) throw new Error('every user has an account');
    const cases: [Running, string, string, unknown, number, string][] = [
      [accounts, 'POST', `/v1/users/${userId}/accounts`, '{"name":', 400, 'INVALID_JSON'],
      [accounts, 'POST', `/v1/users/${userId}/accounts`, { name: 'X' }, 400, 'VALIDATION_FAILED'],
      [accounts, 'POST', `/v1/users/${userId}/accounts`, { name: 'X', type: 'piggy_bank' }, 400, 'VALIDATION_FAILED'],
      [
        accounts,
        'POST',
        `/v1/users/${userId}/accounts`,
        { name: 'X', type: 'savings', currency: 'euro' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        accounts,
        'POST',
        `/v1/users/${userId}/accounts`,
        { name: 'X', type: 'savings', iban: 'DE00' },
        400,
        'VALIDATION_FAILED',
      ],
      [accounts, 'PATCH', `/v1/users/${userId}/accounts/${account.id}`, { name: '' }, 400, 'VALIDATION_FAILED'],
      [accounts, 'PATCH', `/v1/users/${userId}/accounts/acc-nope`, { name: 'Y' }, 404, 'ACCOUNT_NOT_FOUND'],
      [
        accounts,
        'POST',
        `/internal/users/${userId}/accounts/${account.id}/postings`,
        { amount: { amount: 5, currency: 'JPY' } },
        422,
        'ACCOUNT_CURRENCY_MISMATCH',
      ],
      [
        accounts,
        'POST',
        `/internal/users/${userId}/accounts/${account.id}/postings`,
        { amount: 5 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        partners,
        'POST',
        `/v1/users/${userId}/partners`,
        { name: 'X', category: 'Not A Category' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        partners,
        'POST',
        `/v1/users/${userId}/partners`,
        { name: 'X', category: 'retail', logo: 'http://insecure.example/x.png' },
        400,
        'VALIDATION_FAILED',
      ],
      [partners, 'PATCH', `/v1/users/${userId}/partners/p-nope`, { name: 'Y' }, 404, 'PARTNER_NOT_FOUND'],
      [partners, 'PATCH', `/v1/users/${userId}/partners/p-nope`, {}, 400, 'VALIDATION_FAILED'],
      [
        offers,
        'POST',
        `/v1/users/${userId}/offers`,
        { widget_id: 'w 1', component_type: 'Card', priority: 1, data: {} },
        400,
        'VALIDATION_FAILED',
      ],
      [
        offers,
        'POST',
        `/v1/users/${userId}/offers`,
        { widget_id: 'w1', component_type: 'Card', priority: 5000, data: {} },
        400,
        'VALIDATION_FAILED',
      ],
      [
        offers,
        'POST',
        `/v1/users/${userId}/offers`,
        { widget_id: 'insight-free-money', component_type: 'Card', priority: 1, data: {} },
        422,
        'RESERVED_WIDGET_ID',
      ],
      [offers, 'DELETE', `/v1/users/${userId}/offers/offer-nope`, undefined, 404, 'OFFER_NOT_FOUND'],
      [offers, 'POST', `/v1/users/${userId}/offers/offer-nope/purchase`, undefined, 404, 'OFFER_NOT_FOUND'],
      [transactions, 'GET', `/v1/users/${userId}/transactions?limit=0`, undefined, 400, 'VALIDATION_FAILED'],
      [transactions, 'GET', `/v1/users/${userId}/transactions?limit=abc`, undefined, 400, 'VALIDATION_FAILED'],
      [
        transactions,
        'POST',
        `/v1/users/${userId}/transactions`,
        { accountId: account.id, amount: { amount: 0, currency: 'EUR' }, description: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        transactions,
        'POST',
        `/v1/users/${userId}/transactions`,
        { accountId: account.id, amount: { amount: 1, currency: 'EUR' } },
        400,
        'VALIDATION_FAILED',
      ],
      [
        transactions,
        'POST',
        `/v1/users/${userId}/transactions`,
        { accountId: 'acc-nope', amount: { amount: 1, currency: 'EUR' }, description: 'x' },
        404,
        'ACCOUNT_NOT_FOUND',
      ],
      [
        transactions,
        'POST',
        `/v1/users/${userId}/transactions`,
        { accountId: account.id, amount: { amount: 1, currency: 'JPY' }, description: 'x' },
        422,
        'ACCOUNT_CURRENCY_MISMATCH',
      ],
      [
        transactions,
        'POST',
        `/v1/users/u-999999/transactions`,
        { accountId: account.id, amount: { amount: 1, currency: 'EUR' }, description: 'x' },
        404,
        'USER_NOT_FOUND',
      ],
    ];
    for (const [service, method, path, body, status, code] of cases) {
      const response = await service.call(method, path, body);
      try {
        expectProblem(response, status, code);
      } catch (error) {
        throw new Error(`${method} ${path} ${JSON.stringify(body)}: ${(error as Error).message}`);
      }
    }
    for (const service of [accounts, partners, offers, transactions])
      expect(service.service.outbox.status()).toMatchObject({ publishedSeq: 0, pending: 0 });
  });

  it('names what was wrong', async () => {
    const response = await accounts.call('POST', `/v1/users/${randomUser()}/accounts`, {
      name: 'X',
      type: 'piggy_bank',
    });
    expect(response.body).toMatchObject({ errors: [{ path: '/type', message: expect.any(String) }] });
    expect((response.body as { detail: string }).detail).toContain('/type');
  });
});
