import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { topics } from '../../config/topics.js';
import { Account, IsoDateTime, Partner, Widget, type DomainEvent, type Money } from '../../dashboard/index.js';
import { createApp as createAccounts } from '../../domain-services/accounts/app.js';
import { createApp as createOffers } from '../../domain-services/offers/app.js';
import { createApp as createPartners } from '../../domain-services/partners/app.js';
import { createApp as createTransactions } from '../../domain-services/transactions/app.js';
import {
  baseDeps,
  closedPort,
  eventId,
  expectEvent,
  expectProblem,
  randomUser,
  run,
  tempDataDir,
  waitUntil,
  topicWatches,
  type Running,
  type TopicWatch,
} from './support.js';

const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ userId: z.string(), asOf: IsoDateTime, items: z.array(item) });

/** Everything a test starts, stopped afterwards even when it fails. */
let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function started(
  create: (deps: ReturnType<typeof baseDeps>) => ReturnType<typeof createAccounts>,
  dataDir?: string,
): Promise<Running> {
  let dir = dataDir;
  if (dir === undefined) {
    const data = await tempDataDir();
    cleanup.push(() => data.remove());
    dir = data.dir;
  }
  const running = await run(await create(baseDeps(dir)));
  cleanup.push(() => running.stop(2_000));
  return running;
}

const watches = topicWatches();
afterAll(() => watches.stopAll());
const watching = (topic: string) => watches.watching(topic);

/** The events of these ids arrived on the topic, keyed by the user, equal to what the API answered. */
async function expectPublished(watch: TopicWatch, userId: string, events: readonly DomainEvent[]): Promise<void> {
  const arrived = await watch.waitForEvents(events.map((e) => e.id));
  for (const event of events) {
    const message = arrived.find((m) => eventId(m.event) === event.id);
    expect(message?.key).toBe(userId);
    expect(expectEvent(message?.event, event.type)).toEqual(event);
  }
}

describe('accounts writes', () => {
  it('open, rename and close change the read and publish AccountCreated, AccountUpdated, AccountClosed', async () => {
    const watch = await watching(topics.accounts);
    const accounts = await started(createAccounts);
    const userId = randomUser();
    const path = `/v1/users/${userId}/accounts`;
    const before = listOf(Account).parse((await accounts.call('GET', path)).body);

    const opened = await accounts.call('POST', path, {
      name: 'Holiday Pot',
      type: 'savings',
      currency: 'EUR',
      initialBalance: 250,
    });
    expect(opened.status).toBe(201);
    const created = expectEvent(opened.body, 'AccountCreated');
    expect(created).toMatchObject({
      source: 'accounts',
      subject: userId,
      schemaVersion: 1,
      data: { name: 'Holiday Pot', type: 'savings', balance: { amount: 250, currency: 'EUR' } },
    });
    const accountId = created.data.id;
    const afterOpen = listOf(Account).parse((await accounts.call('GET', path)).body);
    expect(afterOpen.items).toHaveLength(before.items.length + 1);
    expect(afterOpen.items.find((a) => a.id === accountId)).toEqual(created.data);
    expect(afterOpen.asOf).toBe(created.time);

    const renamed = await accounts.call('PATCH', `${path}/${accountId}`, { name: 'Summer 2026' });
    expect(renamed.status).toBe(200);
    const updated = expectEvent(renamed.body, 'AccountUpdated');
    expect(updated.data).toEqual({ ...created.data, name: 'Summer 2026' });
    expect(
      listOf(Account)
        .parse((await accounts.call('GET', path)).body)
        .items.find((a) => a.id === accountId)?.name,
    ).toBe('Summer 2026');

    const closedResponse = await accounts.call('DELETE', `${path}/${accountId}`);
    expect(closedResponse.status).toBe(200);
    const closed = expectEvent(closedResponse.body, 'AccountClosed');
    expect(closed.data.accountId).toBe(accountId);
    const afterClose = listOf(Account).parse((await accounts.call('GET', path)).body);
    expect(afterClose.items).toEqual(before.items);
    expectProblem(await accounts.call('DELETE', `${path}/${accountId}`), 404, 'ACCOUNT_NOT_FOUND');

    await expectPublished(watch, userId, [created, updated, closed]);
    const order = watch.messages
      .map((m) => eventId(m.event))
      .filter((id) => [created.id, updated.id, closed.id].includes(id));
    expect(order).toEqual([created.id, updated.id, closed.id]);
  });
});

describe('concurrent writes', () => {
  it('serialises concurrent postings on one account: every one counts, each publishes once', async () => {
    const accounts = await started(createAccounts);
    const userId = randomUser();
    const account = listOf(Account).parse((await accounts.call('GET', `/v1/users/${userId}/accounts`)).body).items[0];
    if (account === undefined) throw new Error('every user has a current account');
    const postings = Array.from({ length: 40 }, (_, i) =>
      accounts.call('POST', `/internal/users/${userId}/accounts/${account.id}/postings`, {
        amount: { amount: i % 2 === 0 ? 10.01 : -3.33, currency: account.balance.currency },
      }),
    );
    const responses = await Promise.all(postings);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const expected = Math.round((account.balance.amount + 20 * 10.01 - 20 * 3.33) * 100) / 100;
    const after = listOf(Account)
      .parse((await accounts.call('GET', `/v1/users/${userId}/accounts`)).body)
      .items.find((a) => a.id === account.id);
    expect(after?.balance.amount).toBe(expected);
    const balances = responses.map((r) => expectEvent(r.body, 'AccountUpdated').data.balance.amount);
    expect(new Set(balances).size).toBe(40);
    await waitUntil('all 40 published', () => accounts.service.outbox.status().publishedSeq === 40);
  });
});

describe('partners writes', () => {
  it('add, update and remove change the read and publish PartnerAdded, PartnerUpdated, PartnerRemoved', async () => {
    const watch = await watching(topics.partners);
    const partners = await started(createPartners);
    const userId = randomUser();
    const path = `/v1/users/${userId}/partners`;

    const addedResponse = await partners.call('POST', path, { name: 'Velo Share', category: 'mobility' });
    expect(addedResponse.status).toBe(201);
    const added = expectEvent(addedResponse.body, 'PartnerAdded');
    const partnerId = added.data.id;
    expect(listOf(Partner).parse((await partners.call('GET', path)).body).items).toContainEqual(added.data);
    expectProblem(
      await partners.call('POST', path, { id: partnerId, name: 'Again', category: 'mobility' }),
      409,
      'PARTNER_EXISTS',
    );

    const updatedResponse = await partners.call('PATCH', `${path}/${partnerId}`, {
      name: 'Velo Share Plus',
      logo: 'https://cdn.example/velo.png',
    });
    expect(updatedResponse.status).toBe(200);
    const updated = expectEvent(updatedResponse.body, 'PartnerUpdated');
    expect(updated.data).toEqual({
      id: partnerId,
      name: 'Velo Share Plus',
      category: 'mobility',
      logo: 'https://cdn.example/velo.png',
    });
    expect(listOf(Partner).parse((await partners.call('GET', path)).body).items).toContainEqual(updated.data);

    const removedResponse = await partners.call('DELETE', `${path}/${partnerId}`);
    const removed = expectEvent(removedResponse.body, 'PartnerRemoved');
    expect(removed.data).toEqual({ partnerId });
    expect(
      listOf(Partner)
        .parse((await partners.call('GET', path)).body)
        .items.map((p) => p.id),
    ).not.toContain(partnerId);

    await expectPublished(watch, userId, [added, updated, removed]);
  });
});

describe('offers writes', () => {
  const newOffer = (widgetId: string) => ({
    widget_id: widgetId,
    component_type: 'Card',
    priority: 900,
    data: {
      title: 'Pet insurance',
      subtitle: 'Vet bills covered',
      pricing: { price: 9.9, currency: 'EUR', frequency: 'monthly' },
      rating: { score: 4.4 },
    },
  });

  it('publish and withdraw change the read and publish OfferPublished, OfferWithdrawn', async () => {
    const watch = await watching(topics.offers);
    const offers = await started(createOffers);
    const userId = randomUser();
    const path = `/v1/users/${userId}/offers`;

    const publishedResponse = await offers.call('POST', path, newOffer('offer-pet-insurance'));
    expect(publishedResponse.status).toBe(201);
    const published = expectEvent(publishedResponse.body, 'OfferPublished');
    expect(published.data.offerId).toBe('offer-pet-insurance');
    expect(listOf(Widget).parse((await offers.call('GET', path)).body).items).toContainEqual(
      newOffer('offer-pet-insurance'),
    );
    expectProblem(await offers.call('POST', path, newOffer('offer-pet-insurance')), 409, 'OFFER_EXISTS');

    const withdrawn = expectEvent((await offers.call('DELETE', `${path}/offer-pet-insurance`)).body, 'OfferWithdrawn');
    expect(
      listOf(Widget)
        .parse((await offers.call('GET', path)).body)
        .items.map((w) => w.widget_id),
    ).not.toContain('offer-pet-insurance');

    await expectPublished(watch, userId, [published, withdrawn]);
  });

  it('a purchase publishes ContractPurchased and the offer disappears from reads', async () => {
    const watch = await watching(topics.offers);
    const offers = await started(createOffers);
    const userId = randomUser();
    const path = `/v1/users/${userId}/offers`;
    const before = listOf(Widget).parse((await offers.call('GET', path)).body);
    expect(before.items.map((w) => w.widget_id)).toContain('offer-car-insurance');

    const response = await offers.call('POST', `${path}/offer-car-insurance/purchase`);
    expect(response.status).toBe(201);
    const purchased = expectEvent(response.body, 'ContractPurchased');
    expect(purchased.data.offerId).toBe('offer-car-insurance');
    const after = listOf(Widget).parse((await offers.call('GET', path)).body);
    expect(after.items.map((w) => w.widget_id)).toEqual(
      before.items.map((w) => w.widget_id).filter((id) => id !== 'offer-car-insurance'),
    );
    expectProblem(await offers.call('POST', `${path}/offer-car-insurance/purchase`), 404, 'OFFER_NOT_FOUND');

    await expectPublished(watch, userId, [purchased]);
  });
});

describe('transactions writes', () => {
  it('posting a transaction changes the balance, and publishes TransactionPosted and AccountUpdated', async () => {
    const accountsWatch = await watching(topics.accounts);
    const transactionsWatch = await watching(topics.transactions);
    const accounts = await started(createAccounts);
    const transactions = await started((deps) => createTransactions({ ...deps, accountsUrl: accounts.url }));
    const userId = randomUser();
    const accountsPath = `/v1/users/${userId}/accounts`;
    const account = listOf(Account).parse((await accounts.call('GET', accountsPath)).body).items[0];
    if (account === undefined) throw new Error('every user has a current account');
    const amount: Money = { amount: -42.5, currency: account.balance.currency };

    const response = await transactions.call('POST', `/v1/users/${userId}/transactions`, {
      accountId: account.id,
      amount,
      description: 'Bike repair',
      category: 'transport',
    });
    expect(response.status).toBe(201);
    const posted = expectEvent(response.body, 'TransactionPosted');
    const expectedBalance = Math.round((account.balance.amount - 42.5) * 100) / 100;
    expect(posted.data).toMatchObject({
      accountId: account.id,
      amount,
      balanceAfter: { amount: expectedBalance, currency: amount.currency },
    });

    const after = listOf(Account)
      .parse((await accounts.call('GET', accountsPath)).body)
      .items.find((a) => a.id === account.id);
    expect(after?.balance).toEqual({ amount: expectedBalance, currency: amount.currency });
    const recent = (await transactions.call('GET', `/v1/users/${userId}/transactions?limit=1`)).body as {
      items: { transactionId: string; description: string }[];
    };
    expect(recent.items[0]).toMatchObject({ transactionId: posted.data.transactionId, description: 'Bike repair' });
    // The new payment is in the newest month now, so "this month" is the month it was booked in.
    const insights = listOf(Widget).parse((await transactions.call('GET', `/v1/users/${userId}/insights`)).body);
    expect(insights.items.find((w) => w.widget_id === 'insight-spent-this-month')?.data.attributes).toMatchObject({
      month: posted.data.bookedAt.slice(0, 7),
      amount: 42.5,
      count: 1,
    });

    await expectPublished(transactionsWatch, userId, [posted]);
    await waitUntil('AccountUpdated with the new balance on Kafka', () =>
      accountsWatch.messages.some(
        (m) =>
          m.key === userId &&
          (m.event as { type: string; data: { balance: Money } }).type === 'AccountUpdated' &&
          (m.event as { data: { balance: Money } }).data.balance.amount === expectedBalance,
      ),
    );
  });

  it('journals nothing when the accounts service is down or unreachable (503)', async () => {
    const accounts = await started(createAccounts);
    const userId = randomUser();
    const accountsPath = `/v1/users/${userId}/accounts`;
    const account = listOf(Account).parse((await accounts.call('GET', accountsPath)).body).items[0];
    if (account === undefined) throw new Error('every user has a current account');
    const body = {
      accountId: account.id,
      amount: { amount: -10, currency: account.balance.currency },
      description: 'Lunch',
    };

    const transactions = await started((deps) => createTransactions({ ...deps, accountsUrl: accounts.url }));
    await accounts.call('PUT', '/admin/faults', { down: true });
    expectProblem(
      await transactions.call('POST', `/v1/users/${userId}/transactions`, body),
      503,
      'UPSTREAM_UNAVAILABLE',
    );
    await accounts.call('PUT', '/admin/faults', {});

    const port = await closedPort();
    const orphan = await started((deps) => createTransactions({ ...deps, accountsUrl: `http://127.0.0.1:${port}` }));
    expectProblem(await orphan.call('POST', `/v1/users/${userId}/transactions`, body), 503, 'UPSTREAM_UNAVAILABLE');

    const slow = await started((deps) =>
      createTransactions({ ...deps, accountsUrl: accounts.url, callTimeoutMs: 200 }),
    );
    await accounts.call('PUT', '/admin/faults', { latencyMs: 1_000 });
    expectProblem(await slow.call('POST', `/v1/users/${userId}/transactions`, body), 503, 'UPSTREAM_UNAVAILABLE');
    await accounts.call('PUT', '/admin/faults', {});

    for (const service of [transactions, orphan, slow]) {
      expect(service.service.outbox.status()).toMatchObject({ publishedSeq: 0, pending: 0 });
      const recent = (await service.call('GET', `/v1/users/${userId}/transactions`)).body as { asOf: string };
      expect(recent.asOf).toBe('2026-01-01T00:00:00.000Z');
    }
    // The slow call may still land on the accounts service after our deadline; the down and unreachable ones cannot.
  });
});
