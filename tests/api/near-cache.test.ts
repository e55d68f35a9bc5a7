import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../adapters/redis/client.js';
import { cacheKey, createDashboardCache } from '../../adapters/redis/dashboard-cache.js';
import { liveChannel } from '../../adapters/redis/live-updates.js';
import { createApp } from '../../api/app.js';
import { createStreamHub } from '../../api/live/stream-hub.js';
import { createNearCache, type NearCacheOptions } from '../../api/near-cache.js';
import { allClientProfiles } from '../../config/capability-matrix.js';
import { silent } from '../e2e/support.js';
import { account } from '../support/fixtures.js';
import { unique } from '../support/unique.js';
import { bearer, fixtureView, serveApp, startApiHarness, type ApiHarness } from './support.js';
import { keyCopiesLastMs, userKeyCacheOptions } from '../../adapters/cassandra/user-key-store.js';

/**
 * The near cache of the API on the real Redis, with two API processes (two sets of clients) and the
 * real worker building and announcing: repeated reads come from memory, and no read started after a
 * process heard of an update answers with what the update replaced.
 */
let harness: ApiHarness;
const servers: Awaited<ReturnType<typeof serveApp>>[] = [];
beforeAll(async () => {
  harness = await startApiHarness();
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await harness?.stop();
});

const versionOf = (response: Response) => Number(/^"(\d+)-/.exec(response.headers.get('ETag') ?? '')?.[1]);

describe('near cache', () => {
  it('answers repeated reads from memory, and never with an older dashboard once the process heard of a newer one', async () => {
    const userId = unique('u');
    const rename = (name: string) => harness.platform.domain.setItems('accounts', userId, [account('acc-1', name)]);
    rename('Name 0');
    // The reads below are many more than a user's budget per minute.
    const unlimited = { RATE_LIMIT_PER_MINUTE: 100_000_000 };
    // Both served over Node's HTTP server as the process serves, so repeated reads take the fast read.
    const a = await serveApp(harness.app(unlimited));
    const other = harness.anotherProcess();
    const b = await serveApp(createApp({ ...other.deps, config: { ...other.deps.config, ...unlimited } }));
    servers.push(a, b);
    const heard: number[] = [];
    harness.deps.live.onUpdateOf((user) => user === userId && heard.push(Date.now()));
    const auth = { headers: bearer(await harness.token(userId)) };
    const read = (server: typeof a) => fetch(`${server.baseUrl}/v1/dashboard`, auth);

    expect((await read(a)).headers.get('X-Dashboard-Source')).toBe('rebuild');
    const first = await read(a);
    expect(first.headers.get('X-Dashboard-Source')).toBe('cache');
    // Deleted in Redis behind the API's back (nothing announces it): the read comes from memory.
    const fastBefore = a.fastAnswers();
    const redis = createRedisClient(harness.platform.config.REDIS_URL);
    try {
      await redis.del(cacheKey(userId));
      const fromMemory = await read(a);
      expect(a.fastAnswers()).toBe(fastBefore + 1);
      expect(fromMemory.headers.get('X-Dashboard-Source')).toBe('cache');
      expect(fromMemory.headers.get('ETag')).toBe(first.headers.get('ETag'));
    } finally {
      redis.disconnect();
    }

    // Reads of process A all along, so its near cache is filled (and read ahead of the app) while
    // updates arrive.
    let hammering = true;
    const hammer = (async () => {
      while (hammering) await (await read(a)).arrayBuffer();
    })();
    try {
      for (let round = 1; round <= 5; round++) {
        rename(`Name ${round}`);
        const before = heard.length;
        // Process B asks the worker for a build that starts after the rename (a miss could take the
        // build of a moment ago), which stores, caches and announces it.
        const built = await other.deps.workflows.rebuildNow(userId, 'admin', 20_000);
        await expect.poll(() => heard.length, { timeout: 5_000 }).toBeGreaterThan(before);
        for (const app of [a, b]) {
          const response = await read(app);
          expect(response.status).toBe(200);
          expect(versionOf(response), `round ${round}`).toBeGreaterThanOrEqual(built.version);
          const body = (await response.json()) as { sections: { accounts: { items: { name: string }[] } } };
          expect(body.sections.accounts.items[0]?.name).toBe(`Name ${round}`);
        }
      }
    } finally {
      hammering = false;
      await hammer;
    }
    expect(a.fastAnswers()).toBeGreaterThan(fastBefore + 100);
  });

  it("forgets an erased user's dashboard in every process at once, not when its entry expires", async () => {
    const userId = unique('u');
    harness.platform.domain.setItems('accounts', userId, [account('acc-1', 'Before erasure')]);
    const other = harness.anotherProcess();
    const [a, b] = [harness.app(), createApp(other.deps)];
    const auth = { headers: bearer(await harness.token(userId)) };
    const accountName = async (app: typeof a) => {
      const response = await app.request('/v1/dashboard', auth);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { sections: { accounts: { items: { name: string }[] } } };
      return { source: response.headers.get('X-Dashboard-Source'), name: body.sections.accounts.items[0]?.name };
    };
    expect(await accountName(a)).toEqual({ source: 'rebuild', name: 'Before erasure' });
    for (const app of [a, b]) expect(await accountName(app)).toEqual({ source: 'cache', name: 'Before erasure' });

    // Changed at the service without an event; erasing the user empties the cache everywhere.
    harness.platform.domain.setItems('accounts', userId, [account('acc-1', 'After erasure')]);
    await harness.platform.workflows.eraseUser(userId, {
      keyCopiesLastMs: keyCopiesLastMs(userKeyCacheOptions(harness.platform.config)),
      timeoutMs: 30_000,
    });
    // Well within the near cache's 10 s: each process heard of the erasure and asks Redis, which had
    // nothing until the first read rebuilt the dashboard from what the services hold now.
    expect(await accountName(a)).toEqual({ source: 'rebuild', name: 'After erasure' });
    expect(await accountName(b)).toEqual({ source: 'cache', name: 'After erasure' });
  });

  it('keeps a dashboard that is read often in memory past its time to live, with what Redis holds since', async () => {
    // Long enough that a read every 50 ms reaches half of it many times over, also on a busy machine.
    const ttlMs = 2_000;
    const { cache, near, userId, profile, close } = await nearCacheOnRedis(unique('near-subscriber'), { ttlMs });
    try {
      // A newer build cached whose announcement never reached this process (it is retried later).
      await cache.refresh(fixtureView(userId, 2));
      const cachedAt = Date.now();

      // Read from memory alone, as the fast read does, for three times the TTL.
      const reads: { at: number; version: number | undefined }[] = [];
      while (Date.now() - cachedAt < 3 * ttlMs) {
        reads.push({ at: Date.now() - cachedAt, version: near.peek(userId, profile)?.version });
        await sleep(50);
      }
      // No read found the entry gone (each would have waited for Redis), and none a TTL after the
      // newer build was cached answered with the one it replaced.
      expect(reads.filter((read) => read.version === undefined)).toEqual([]);
      expect(reads.filter((read) => read.at > ttlMs && read.version !== 2)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('drops what it holds when its subscriber connection is lost, and holds nothing until it hears again', async () => {
    const name = unique('near-subscriber');
    const { hub, redis, cache, near, userId, profile, close } = await nearCacheOnRedis(name);
    let deaf = 0;
    hub.onDeaf(() => deaf++);
    try {
      expect(near.size()).toBe(1);

      // The subscriber's connection is cut (a Redis restart, a network blip, an overflowing buffer).
      const clients = String(await redis.client('LIST'));
      const id = /id=(\d+) .*name=(\S+)/.exec(
        clients.split('\n').find((line) => line.includes(`name=${name} `)) ?? '',
      )?.[1];
      expect(id).toBeDefined();
      await redis.client('KILL', 'ID', id!);
      await expect.poll(() => deaf, { timeout: 5_000 }).toBe(1);
      expect(near.size()).toBe(0);

      // A newer build announced while (perhaps) nobody listened: the next read asks Redis.
      await cache.refresh(fixtureView(userId, 2));
      await redis.publish(liveChannel(userId), 'announced while the subscriber was away');
      expect((await near.get(userId, profile))?.version).toBe(2);
      // Heard again after the reconnect: reads are kept again.
      await expect.poll(() => hub.hearing(), { timeout: 10_000 }).toBe(true);
      await near.get(userId, profile);
      expect(near.size()).toBe(1);
    } finally {
      await close();
    }
  });
});

/**
 * A near cache of its own on the real Redis, subscribed and hearing, holding version 1 of a new user's
 * dashboard: for the tests of what it keeps, without an API around it.
 */
async function nearCacheOnRedis(connectionName: string, options: NearCacheOptions = {}) {
  const { REDIS_URL } = harness.platform.config;
  const subscriber = new Redis(REDIS_URL, { connectionName, lazyConnect: false });
  const redis = createRedisClient(REDIS_URL);
  const hub = createStreamHub(subscriber, silent);
  const cache = createDashboardCache(redis);
  const near = createNearCache(cache, hub, options);
  const close = async () => {
    await hub.close();
    subscriber.disconnect();
    redis.disconnect();
  };
  try {
    await expect.poll(() => hub.hearing(), { timeout: 5_000 }).toBe(true);
    const userId = unique('u');
    const profile = allClientProfiles()[0]!;
    await cache.refresh(fixtureView(userId, 1));
    expect((await near.get(userId, profile))?.version).toBe(1);
    return { hub, redis, cache, near, userId, profile, close };
  } catch (error) {
    await close();
    throw error;
  }
}
