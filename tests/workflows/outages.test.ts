import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../adapters/redis/client.js';
import { liveChannel } from '../../adapters/redis/live-updates.js';
import { topics } from '../../config/topics.js';
import { allClientProfiles } from '../../config/capability-matrix.js';
import { rebuildWorkflowId } from '../../contract/workflows.js';
import { account } from '../support/fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { startPrivateRedis, type PrivateRedis } from '../../stack/private-redis.js';
import { collectTopic, type TopicCollector } from '../support/kafka.js';
import { createTcpGate, type TcpGate } from '../support/tcp-gate.js';
import { unique } from '../support/unique.js';

/**
 * A build commits at its view write; the cache refresh and the announcement follow from it, and an
 * engine being away delays them without failing the build. Redis here is a server of this test's own,
 * frozen and resumed (SIGSTOP/SIGCONT), and Kafka is reached through a port that refuses connections
 * until the test opens it, so the engines other tests share stay untouched.
 */
let redis: PrivateRedis;
let platform: TestPlatform;
beforeAll(async () => {
  redis = await startPrivateRedis();
  platform = await startTestPlatform({ env: { REDIS_URL: redis.url } });
});
afterAll(async () => {
  await platform?.stop();
  await redis?.stop();
});

describe('Redis away during a build', () => {
  it('stores the view without failing, then refreshes the cache and announces the update once Redis answers, without a new trigger', async () => {
    const userId = unique('u');
    const profile = allClientProfiles()[0]!;
    platform.domain.setItems('accounts', userId, [account('acc-1', 'Before')]);
    const first = await platform.workflows.rebuildNow(userId, 'miss', 30_000);
    expect((await platform.deps.cache.get(userId, profile))?.version).toBe(first.version);

    const subscriber = createRedisClient(redis.url);
    const heard: number[] = [];
    subscriber.on('message', (_channel: string, message: string) =>
      heard.push((JSON.parse(message) as { data: { version: number } }).data.version),
    );
    await subscriber.subscribe(liveChannel(userId));
    try {
      platform.domain.setItems('accounts', userId, [account('acc-1', 'After')]);
      redis.freeze();
      // The operator's rebuild answers with the new view although the cache cannot be written.
      const second = await platform.workflows.rebuildNow(userId, 'admin', 30_000);
      expect(second.sections.accounts.items[0]?.name).toBe('After');
      expect((await platform.deps.views.load(userId))?.version).toBe(second.version);
      // The run stays open to finish what the build could not: it neither failed nor completed.
      expect((await platform.client.workflow.getHandle(rebuildWorkflowId(userId)).describe()).status.name).toBe(
        'RUNNING',
      );
      redis.resume();

      // Resumed, Redis still holds the first build's entry; the run's next try replaces it and announces.
      await expect
        .poll(async () => (await platform.deps.cache.get(userId, profile))?.version ?? 0, { timeout: 30_000 })
        .toBeGreaterThanOrEqual(second.version);
      await expect
        .poll(() => heard.filter((version) => version >= second.version).length, { timeout: 30_000 })
        .toBeGreaterThan(0);
      const cached = await platform.deps.cache.get(userId, profile);
      expect(cached?.body).toContain('After');
      // Settled, the run completes.
      await expect
        .poll(
          async () => (await platform.client.workflow.getHandle(rebuildWorkflowId(userId)).describe()).status.name,
          { timeout: 30_000 },
        )
        .toBe('COMPLETED');
    } finally {
      redis.resume();
      subscriber.disconnect();
    }
  });
});

describe('Kafka away', () => {
  let gate: TcpGate;
  let own: TestPlatform;
  let updates: TopicCollector;
  let preferenceEvents: TopicCollector;
  beforeAll(async () => {
    const [host = '127.0.0.1', port = '9092'] = (platform.config.KAFKA_BROKERS[0] ?? '').split(':');
    gate = await createTcpGate({ host, port: Number(port) });
    own = await startTestPlatform({ env: { KAFKA_BROKERS: gate.address } });
    updates = await collectTopic(platform.config, topics.dashboardUpdated);
    preferenceEvents = await collectTopic(platform.config, topics.preferences);
  });
  afterAll(async () => {
    await updates?.stop();
    await preferenceEvents?.stop();
    await own?.stop();
    await gate?.close();
  });

  it('answers a cache miss within the API deadline and a preference change, rebuilds the dashboard, and publishes their events once Kafka is reachable, without a new trigger', async () => {
    const userId = unique('u');
    own.domain.setItems('accounts', userId, [account('acc-1', 'Girokonto')]);
    // Within the deadline the API gives a waiting miss: the view is stored, so the app gets it now, not a 503.
    const view = await own.workflows.rebuildNow(userId, 'miss', own.config.REBUILD_DEADLINE_MS);
    expect(view.sections.accounts.items[0]?.name).toBe('Girokonto');
    expect((await own.deps.views.load(userId))?.version).toBe(view.version);
    expect((await own.client.workflow.getHandle(rebuildWorkflowId(userId)).describe()).status.name).toBe('RUNNING');

    // The change is answered at its commit point; its event waits for Kafka, the dashboard does not.
    const change = await own.workflows.changePreferences(
      { userId, requestKey: unique('req'), expectedVersion: 0, change: { kind: 'patch', patch: { layout: 'grid' } } },
      30_000,
    );
    expect(change).toMatchObject({ version: 1, changed: true });
    await expect.poll(async () => (await own.deps.views.load(userId))?.layout, { timeout: 20_000 }).toBe('grid');

    await gate.open();
    const updated = await updates.waitFor((value) => value['subject'] === userId, 40_000);
    expect(updated).toMatchObject({ type: 'DashboardUpdated', data: { userId, version: expect.any(Number) } });
    expect((updated['data'] as { version: number }).version).toBeGreaterThanOrEqual(view.version);
    expect(await preferenceEvents.waitFor((value) => value['subject'] === userId, 40_000)).toMatchObject({
      type: 'PreferencesChanged',
      data: { userId, version: 1 },
    });
    await expect
      .poll(async () => (await own.client.workflow.getHandle(rebuildWorkflowId(userId)).describe()).status.name, {
        timeout: 30_000,
      })
      .toBe('COMPLETED');
  });
});
