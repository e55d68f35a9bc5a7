import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../adapters/redis/client.js';
import { liveChannel } from '../../adapters/redis/live-updates.js';
import { loadConfig, type Config } from '../../config/index.js';
import { type Account, type CanonicalDashboard } from '../../dashboard/index.js';
import { resolveClientProfile } from '../../config/capability-matrix.js';
import { runApiServer, type RunningApi } from '../../api/server.js';
import { createDevToken } from '../../adapters/auth/dev-token.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import { openEventStream } from './sse.js';
import {
  accountFacts,
  createTestTopics,
  groupProgress,
  metricValue,
  platformConfig,
  startDomainServices,
  startTestBridge,
  startWorker,
  testKafka,
  userBlock,
  type DomainServices,
  type TestBridge,
  type TestTopics,
  type TestWorker,
} from './support.js';

/** A domain write travels the whole event path: service -> Kafka -> bridge -> rebuild -> view, cache, live update. */
let config: Config;
let topics: TestTopics & { remove(): Promise<void> };
let services: DomainServices;
let worker: TestWorker;
let bridge: TestBridge;
let bundle: WorkflowBundleWithSourceMap;
let api: RunningApi;

beforeAll(async () => {
  const base = loadConfig();
  bundle = await bundleWorkflows();
  topics = await createTestTopics(testKafka(base));
  services = await startDomainServices(base, topics);
  config = platformConfig(base, services);
  worker = await startWorker(config, bundle);
  bridge = await startTestBridge(config, topics.all);
  // The real API process's wiring, on a free port, reading the same Redis and Cassandra as the worker.
  api = await runApiServer({ ...config, API_PORT: 0, LOG_LEVEL: 'silent' });
});

afterAll(async () => {
  await api?.stop();
  await bridge?.stop();
  await worker?.stop();
  await services?.close();
  await topics?.remove();
});

const accountsOf = async (userId: string): Promise<Account[]> => {
  const answer = await services.call('accounts', 'GET', `/v1/users/${userId}/accounts`);
  expect(answer.status).toBe(200);
  return (answer.body as { items: Account[] }).items;
};

describe('event path', () => {
  it('a domain write updates the view and the cache, and an SSE client hears DashboardUpdated with the change', async () => {
    const [userId = ''] = userBlock(1);
    const subscriber = createRedisClient(config.REDIS_URL);
    const announced: Record<string, unknown>[] = [];
    subscriber.on('message', (_channel, message: string) =>
      announced.push(JSON.parse(message) as Record<string, unknown>),
    );
    await subscriber.subscribe(liveChannel(userId));
    const apiUrl = `http://127.0.0.1:${api.port}`;
    const headers = {
      authorization: `Bearer ${await createDevToken(config, { userId })}`,
      'x-client-platform': 'ios',
      'x-client-version': '4.0.0',
    };
    const stream = await openEventStream(`${apiUrl}/v1/dashboard/stream`, headers);
    try {
      const created = await services.call('accounts', 'POST', `/v1/users/${userId}/accounts`, {
        name: 'Reisekasse',
        type: 'savings',
        initialBalance: 250,
      });
      expect(created.status).toBe(201);

      let view: CanonicalDashboard | undefined;
      await expect
        .poll(
          async () => {
            view = await worker.deps.views.load(userId);
            return view?.sections.accounts.items.map((a) => a.name) ?? [];
          },
          { timeout: 45_000, interval: 250 },
        )
        .toContain('Reisekasse');
      const version = view?.version;

      // The cache is refreshed right after the view is written.
      const profile = resolveClientProfile('ios', '4.0.0');
      await expect
        .poll(async () => (await worker.deps.cache.get(userId, profile))?.version ?? 0, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(version ?? Infinity);
      expect((await worker.deps.cache.get(userId, profile))?.body).toContain('Reisekasse');
      await expect
        .poll(() => announced.some((m) => m['type'] === 'DashboardUpdated' && m['subject'] === userId), {
          timeout: 10_000,
        })
        .toBe(true);
      expect(announced.at(-1)).toMatchObject({
        type: 'DashboardUpdated',
        subject: userId,
        data: { userId, trigger: 'event' },
      });
      expect(
        await metricValue(bridge.bridge, 'bridge_rebuilds_triggered_total', { trigger: 'event' }),
      ).toBeGreaterThanOrEqual(1);

      // The app's view of it: the stream announces the new version, and that version shows the account.
      await expect
        .poll(
          () => stream.events.some((e) => e.event === 'DashboardUpdated' && Number(e.id) >= (version ?? Infinity)),
          { timeout: 15_000 },
        )
        .toBe(true);
      const update = stream.events.find((e) => Number(e.id) >= (version ?? Infinity));
      expect(JSON.parse(update?.data ?? '{}')).toMatchObject({
        type: 'DashboardUpdated',
        subject: userId,
        data: { userId, trigger: 'event' },
      });
      const dashboard = await fetch(`${apiUrl}/v1/dashboard`, { headers });
      expect(dashboard.status).toBe(200);
      const shown = (await dashboard.json()) as {
        version: number;
        sections: { accounts: { items: { name: string }[] } };
      };
      expect(shown.version).toBeGreaterThanOrEqual(version ?? Infinity);
      expect(shown.sections.accounts.items.map((a) => a.name)).toContain('Reisekasse');
    } finally {
      stream.close();
      subscriber.disconnect();
    }
  });

  it('after a burst of 500 writes over 50 users every dashboard shows what the accounts service holds', async () => {
    const users = userBlock(50);
    // Per user, in order: open an account, then rename it and post to it, 10 writes in all; users run concurrently.
    await Promise.all(
      users.map(async (userId, u) => {
        const opened = await services.call('accounts', 'POST', `/v1/users/${userId}/accounts`, {
          name: `Burst ${u}`,
          type: 'current',
          initialBalance: 1000,
        });
        expect(opened.status).toBe(201);
        const accountId = (opened.body as { data: { id: string } }).data.id;
        for (let i = 1; i < 10; i++) {
          const write =
            i % 2 === 1
              ? await services.call('accounts', 'PATCH', `/v1/users/${userId}/accounts/${accountId}`, {
                  name: `Burst ${u}.${i}`,
                })
              : await services.call('transactions', 'POST', `/v1/users/${userId}/transactions`, {
                  accountId,
                  amount: { amount: -(i * 10 + u / 100), currency: 'EUR' },
                  description: `burst ${i}`,
                });
          expect(write.status).toBeLessThan(300);
        }
      }),
    );

    const expected = new Map(
      await Promise.all(users.map(async (userId) => [userId, accountFacts(await accountsOf(userId))] as const)),
    );
    await expect
      .poll(
        async () => {
          const views = await Promise.all(users.map((userId) => worker.deps.views.load(userId)));
          return users.filter(
            (userId, i) =>
              JSON.stringify(accountFacts(views[i]?.sections.accounts.items ?? [])) !==
              JSON.stringify(expected.get(userId)),
          ).length;
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .toBe(0);
    // Spot check that the comparison compares something: the last rename and the balance after four postings.
    const last = expected.get(users[0] ?? '')?.find((a) => a.name.startsWith('Burst 0'));
    expect(last).toMatchObject({ name: 'Burst 0.9', balance: { amount: 1000 - 20 - 40 - 60 - 80, currency: 'EUR' } });

    // Everything was triggered and committed: the group is at the end of every topic.
    await expect
      .poll(async () => (await groupProgress(testKafka(config), bridge.groupId, topics.all)).behind, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(0);
    const consumed = await metricValue(bridge.bridge, 'bridge_messages_consumed_total');
    expect(consumed).toBeGreaterThanOrEqual(500);
    // Every user got a trigger, and never more than one per message. How much the bridge folds within
    // a batch depends on how Kafka batched the burst; the workflow's folding is tested on its own
    // (tests/workflows/rebuild-dashboard.test.ts).
    const triggered = await metricValue(bridge.bridge, 'bridge_rebuilds_triggered_total');
    expect(triggered).toBeGreaterThanOrEqual(users.length);
    expect(triggered).toBeLessThanOrEqual(consumed);
  });
});
