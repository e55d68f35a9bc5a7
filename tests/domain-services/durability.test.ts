import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { topics } from '../../config/topics.js';
import { createApp as createAccounts } from '../../domain-services/accounts/app.js';
import { createApp as createOffers } from '../../domain-services/offers/app.js';
import { createApp as createPartners } from '../../domain-services/partners/app.js';
import { JournalCorruptError } from '../../domain-services/shared/journal.js';
import type { DomainService } from '../../domain-services/shared/service.js';
import {
  baseDeps,
  closedPort,
  config,
  eventId,
  expectEvent,
  kafkaBootstrapProxy,
  randomUser,
  run,
  tempDataDir,
  waitUntil,
  topicWatches,
  type Running,
  type TopicWatch,
} from './support.js';

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const watches = topicWatches();
afterAll(() => watches.stopAll());
const watching = (topic: string) => watches.watching(topic);

async function dataDir(): Promise<string> {
  const data = await tempDataDir();
  cleanup.push(() => data.remove());
  return data.dir;
}

/** Runs a service; `stop` is idempotent so a test can stop it early and cleanup still runs. */
async function serve(service: DomainService): Promise<Running> {
  const running = await run(service);
  let stopped: Promise<void> | null = null;
  const stop = (deadline?: number) => (stopped ??= running.stop(deadline));
  cleanup.push(() => stop(500));
  return { ...running, stop };
}

const metricsOf = async (running: Running) => (await fetch(`${running.url}/metrics`)).text();
const countOf = (watch: TopicWatch, id: string) => watch.messages.filter((m) => eventId(m.event) === id).length;

describe('durability', () => {
  it('a restart with the same data dir keeps the state (journal replay) and does not republish', async () => {
    const watch = await watching(topics.accounts);
    const dir = await dataDir();
    const userId = randomUser();
    const path = `/v1/users/${userId}/accounts`;

    const first = await serve(await createAccounts(baseDeps(dir)));
    const created = expectEvent(
      (await first.call('POST', path, { name: 'Emergency Fund', type: 'savings' })).body,
      'AccountCreated',
    );
    const renamed = expectEvent(
      (await first.call('PATCH', `${path}/${created.data.id}`, { name: 'Emergency Fund 2' })).body,
      'AccountUpdated',
    );
    await watch.waitForEvents([created.id, renamed.id]);
    await waitUntil('outbox drained', () => first.service.outbox.status().publishedSeq === 2);
    const before = (await first.call('GET', path)).body;
    await first.stop();

    const second = await serve(await createAccounts(baseDeps(dir)));
    expect((await second.call('GET', path)).body).toEqual(before);
    expect(before).toMatchObject({ asOf: renamed.time });
    expect(second.service.outbox.status()).toMatchObject({ publishedSeq: 2, pending: 0 });

    // The relay publishes in journal order, so a republished old entry would arrive before this one.
    const closed = expectEvent((await second.call('DELETE', `${path}/${created.data.id}`)).body, 'AccountClosed');
    await watch.waitForEvents([closed.id]);
    expect([countOf(watch, created.id), countOf(watch, renamed.id), countOf(watch, closed.id)]).toEqual([1, 1, 1]);
    expect(second.service.outbox.status()).toMatchObject({ publishedSeq: 3, pending: 0 });
  });

  it('Kafka unreachable during writes: writes succeed, are journaled, and their events arrive once Kafka is reachable', async () => {
    const watch = await watching(topics.partners);
    const port = await closedPort();
    const dir = await dataDir();
    const partners = await serve(await createPartners(baseDeps(dir, [`127.0.0.1:${port}`])));
    const userId = randomUser();

    const events = [];
    for (const name of ['Outage One', 'Outage Two', 'Outage Three']) {
      const response = await partners.call('POST', `/v1/users/${userId}/partners`, { name, category: 'retail' });
      expect(response.status).toBe(201);
      events.push(expectEvent(response.body, 'PartnerAdded'));
    }
    expect((await partners.call('GET', `/v1/users/${userId}/partners`)).body).toMatchObject({ asOf: events[2]?.time });
    await waitUntil('several failed sends', () => partners.service.outbox.status().consecutiveFailures >= 3);
    expect(partners.service.outbox.status()).toMatchObject({ publishedSeq: 0, pending: 3 });
    expect((await partners.call('GET', '/healthz')).body).toMatchObject({
      outbox: { pending: 3, lastError: expect.any(String) },
    });
    // What an alert on an outbox that does not drain reads.
    const during = await metricsOf(partners);
    expect(during).toContain('outbox_pending_events{service="partners"} 3\n');
    expect(
      Number(/^outbox_relay_failures_total\{service="partners"\} (\d+)$/m.exec(during)?.[1]),
    ).toBeGreaterThanOrEqual(3);
    const journal = await readFile(join(dir, 'partners', 'journal.jsonl'), 'utf8');
    expect(journal.trim().split('\n')).toHaveLength(3);

    const proxy = await kafkaBootstrapProxy(port);
    cleanup.push(() => proxy.close());
    const arrived = await watch.waitForEvents(events.map((e) => e.id));
    expect(arrived.map((m) => eventId(m.event))).toEqual(events.map((e) => e.id));
    for (const message of arrived) expect(message.key).toBe(userId);
    await waitUntil('outbox drained', () => partners.service.outbox.status().pending === 0);
    expect(partners.service.outbox.status()).toMatchObject({
      publishedSeq: 3,
      consecutiveFailures: 0,
      lastError: null,
    });
    expect(await metricsOf(partners)).toContain('outbox_pending_events{service="partners"} 0\n');
  });

  it('a service stopped during an outage publishes the rest of its journal on the next start', async () => {
    const watch = await watching(topics.offers);
    const dir = await dataDir();
    const userId = randomUser();
    const port = await closedPort();
    const offline = await serve(await createOffers(baseDeps(dir, [`127.0.0.1:${port}`])));
    const purchased = expectEvent(
      (await offline.call('POST', `/v1/users/${userId}/offers/offer-health-insurance/purchase`)).body,
      'ContractPurchased',
    );
    await offline.stop(300);
    expect(offline.service.outbox.status()).toMatchObject({ publishedSeq: 0, pending: 1 });

    const online = await serve(
      await createOffers({ ...baseDeps(dir), kafka: { brokers: config.KAFKA_BROKERS, clientId: 'ds-test-restart' } }),
    );
    const offers = (await online.call('GET', `/v1/users/${userId}/offers`)).body as { items: { widget_id: string }[] };
    expect(offers.items.map((w) => w.widget_id)).not.toContain('offer-health-insurance');
    await watch.waitForEvents([purchased.id]);
    await waitUntil('outbox drained', () => online.service.outbox.status().publishedSeq === 1);
  });

  it('cuts a torn last journal line (a write that never got its 2xx) and refuses a damaged journal', async () => {
    const dir = await dataDir();
    const userId = randomUser();
    const first = await serve(await createPartners(baseDeps(dir, [`127.0.0.1:${await closedPort()}`])));
    const added = expectEvent(
      (await first.call('POST', `/v1/users/${userId}/partners`, { name: 'Kept', category: 'retail' })).body,
      'PartnerAdded',
    );
    await first.stop(100);
    const journal = join(dir, 'partners', 'journal.jsonl');
    await appendFile(journal, '{"seq":2,"event":{"id":"torn');

    const second = await serve(await createPartners(baseDeps(dir, [`127.0.0.1:${await closedPort()}`])));
    expect((await second.call('GET', `/v1/users/${userId}/partners`)).body).toMatchObject({ asOf: added.time });
    const next = expectEvent(
      (await second.call('POST', `/v1/users/${userId}/partners`, { name: 'Next', category: 'retail' })).body,
      'PartnerAdded',
    );
    await second.stop(100);
    const lines = (await readFile(journal, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; event: { id: string } });
    expect(lines.map((l) => [l.seq, l.event.id])).toEqual([
      [1, added.id],
      [2, next.id],
    ]);

    await writeFile(journal, `not json\n${(await readFile(journal, 'utf8')).split('\n')[1]}\n`);
    await expect(createPartners(baseDeps(dir))).rejects.toBeInstanceOf(JournalCorruptError);
  });
});
