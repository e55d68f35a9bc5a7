import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Account, IsoDateTime, Partner, Widget } from '../../dashboard/index.js';
import { createApp as createAccounts } from '../../domain-services/accounts/app.js';
import { seedAccounts } from '../../domain-services/accounts/seed.js';
import { createApp as createOffers } from '../../domain-services/offers/app.js';
import { seedOffers } from '../../domain-services/offers/seed.js';
import { createApp as createPartners } from '../../domain-services/partners/app.js';
import { seedPartners } from '../../domain-services/partners/seed.js';
import { createApp as createTransactions } from '../../domain-services/transactions/app.js';
import { SEED_EPOCH } from '../../domain-services/shared/events.js';
import { baseDeps, expectProblem, randomUser, run, SEED_USERS, tempDataDir, type Running } from './support.js';

const listOf = <T extends z.ZodType>(item: T) =>
  z.strictObject({ userId: z.string(), asOf: IsoDateTime, items: z.array(item) });

describe('seeded reads', () => {
  const dirs: { remove(): Promise<void> }[] = [];
  let first: Record<'accounts' | 'partners' | 'offers' | 'transactions', Running>;
  let second: Record<'accounts' | 'partners' | 'offers' | 'transactions', Running>;

  const startAll = async () => {
    const data = await tempDataDir();
    dirs.push(data);
    const deps = baseDeps(data.dir);
    const accounts = await run(await createAccounts(deps));
    return {
      accounts,
      partners: await run(await createPartners(deps)),
      offers: await run(await createOffers(deps)),
      transactions: await run(await createTransactions({ ...deps, accountsUrl: accounts.url })),
    };
  };

  beforeAll(async () => {
    first = await startAll();
    second = await startAll();
  });
  afterAll(async () => {
    for (const group of [first, second]) await Promise.all(Object.values(group).map((s) => s.stop(100)));
    await Promise.all(dirs.map((d) => d.remove()));
  });

  it('gives the same user the same data on two independent instances, in the contract shapes', async () => {
    const userId = randomUser();
    const cases = [
      ['accounts', `/v1/users/${userId}/accounts`, listOf(Account)],
      ['partners', `/v1/users/${userId}/partners`, listOf(Partner)],
      ['offers', `/v1/users/${userId}/offers`, listOf(Widget)],
      ['transactions', `/v1/users/${userId}/insights`, listOf(Widget)],
    ] as const;
    for (const [service, path, schema] of cases) {
      const a = await first[service].call('GET', path);
      const b = await second[service].call('GET', path);
      expect(a.status, `${service} ${path}`).toBe(200);
      const parsed = schema.parse(a.body);
      expect(parsed.userId).toBe(userId);
      expect(parsed.asOf).toBe(SEED_EPOCH);
      expect(parsed.items.length, `${service} seeds something`).toBeGreaterThan(0);
      expect(b.body).toEqual(a.body);
    }
  });

  it('gives different users different data', () => {
    expect(seedAccounts('u-1')).not.toEqual(seedAccounts('u-2'));
    const partnerSets = new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(seedPartners(`u-${i + 1}`))));
    expect(partnerSets.size).toBeGreaterThan(10);
  });

  it('seeds valid contract data for any user of the population', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: SEED_USERS }), (n) => {
        const userId = `u-${n}`;
        z.array(Account).min(1).parse(seedAccounts(userId));
        z.array(Partner).min(1).parse(seedPartners(userId));
        z.array(Widget).min(2).parse(seedOffers(userId));
      }),
      { numRuns: 300 },
    );
  });

  it('offers varied server-driven widgets, some with requirements and a fallback for older apps', () => {
    const widgets = Array.from({ length: 50 }, (_, i) => seedOffers(`u-${i + 1}`)).flat();
    const types = new Set(widgets.map((w) => w.component_type));
    for (const type of ['Card', 'InfoBox', 'ProductGrid']) expect(types).toContain(type);
    const guarded = widgets.filter((w) => w.requires !== undefined);
    expect(guarded.length).toBeGreaterThan(0);
    for (const widget of guarded) expect(widget.fallback?.component_type).toBe('Card');
    const titles = new Set(widgets.map((w) => w.data.title));
    for (const title of ['Car insurance', 'Health insurance', 'Home insurance', 'Products for you'])
      expect(titles).toContain(title);
  });

  it('lists recent transactions newest first, limited, and insights about the latest month', async () => {
    const userId = randomUser();
    const recent = await first.transactions.call('GET', `/v1/users/${userId}/transactions?limit=5`);
    expect(recent.status).toBe(200);
    const items = (recent.body as { items: { bookedAt: string; accountId: string }[] }).items;
    expect(items).toHaveLength(5);
    expect(items.map((t) => t.bookedAt)).toEqual([...items.map((t) => t.bookedAt)].sort().reverse());
    const accountIds = seedAccounts(userId).map((a) => a.id);
    for (const t of items) expect(accountIds).toContain(t.accountId);

    const insights = listOf(Widget).parse((await first.transactions.call('GET', `/v1/users/${userId}/insights`)).body);
    const spent = insights.items.find((w) => w.widget_id === 'insight-spent-this-month');
    expect(spent).toMatchObject({
      component_type: 'InfoBox',
      data: { title: 'Spent this month', subtitle: 'December 2025' },
    });
  });

  it('answers 404 USER_NOT_FOUND for users outside the seeded population', async () => {
    for (const userId of [`u-${SEED_USERS + 1}`, 'u-0', 'alice', 'u-01']) {
      for (const [service, path] of [
        ['accounts', 'accounts'],
        ['partners', 'partners'],
        ['offers', 'offers'],
        ['transactions', 'transactions'],
        ['transactions', 'insights'],
      ] as const) {
        expectProblem(await first[service].call('GET', `/v1/users/${userId}/${path}`), 404, 'USER_NOT_FOUND');
      }
    }
  });

  it('answers health and unknown routes', async () => {
    const health = await first.accounts.call('GET', '/healthz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', service: 'accounts', outbox: { pending: 0 } } });
    expectProblem(await first.offers.call('GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
  });
});
