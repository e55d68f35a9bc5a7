import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createCachedInsights } from '../../adapters/redis/insights-cache.js';
import { createRedisClient } from '../../adapters/redis/client.js';
import { createAnalyticsStore } from '../../adapters/postgres/analytics-store.js';
import { createPostgresPool } from '../../adapters/postgres/client.js';
import { createTestAnalytics, type TestAnalytics } from '../support/analytics.js';
import { unique } from '../support/unique.js';
import { bearer, startApiHarness, type ApiHarness } from './support.js';

/** The insights endpoints on the real stack: summaries of a store of this test's own, cached in the real Redis. */
let harness: ApiHarness;
let analytics: TestAnalytics;
let redis: Redis;
beforeAll(async () => {
  harness = await startApiHarness();
  analytics = await createTestAnalytics(harness.platform.config);
  redis = createRedisClient(harness.platform.config.REDIS_URL);
});
afterAll(async () => {
  redis?.disconnect();
  await analytics?.drop();
  await harness?.stop();
});

const day = '2026-10-01';
const app = () =>
  harness.app({}, { insights: createCachedInsights(analytics.store, redis, { namespace: analytics.schema }) });
const viewed = (userId: string, platform: string) => ({
  eventId: unique('viewed'),
  type: 'DashboardViewed',
  userId,
  occurredAt: `${day}T08:00:00.000Z`,
  data: {
    userId,
    platform,
    appVersion: '4.0.0',
    profile: `${platform}-v4`,
    source: 'cache',
    latencyMs: 2,
    etagHit: false,
    offerIds: [],
  },
});
const PATHS = ['usage', 'personalisation', 'offers', 'rebuilds'].map((s) => `/v1/insights/${s}?from=${day}&to=${day}`);

describe('insights endpoints', () => {
  it('answer admins from the rolled-up summaries, cached in Redis until the next rollup of the range', async () => {
    await analytics.store.insertEvents([viewed('u-1', 'ios'), viewed('u-2', 'ios'), viewed('u-3', 'web')]);
    await analytics.store.rollupDay(day, true);
    const admin = await harness.token('product-1', { admin: true });

    const usage = await app().request(`/v1/insights/usage?from=${day}&to=${day}&platform=ios`, {
      headers: bearer(admin),
    });
    expect(usage.status).toBe(200);
    expect(await usage.json()).toMatchObject({ days: [{ day, opens: 2, distinctUsers: 2 }] });
    for (const path of PATHS) expect((await app().request(path, { headers: bearer(admin) })).status, path).toBe(200);

    // The summaries as the cache saw them are answered from Redis: rows removed behind the rollups'
    // back (no rollup ran) do not change the answer.
    await analytics.pool.query('DELETE FROM usage_daily');
    const cached = await app().request(`/v1/insights/usage?from=${day}&to=${day}&platform=ios`, {
      headers: bearer(admin),
    });
    expect(await cached.json()).toMatchObject({ days: [{ day, opens: 2, distinctUsers: 2 }] });

    // A rollup of the day makes the next answer new at once, not after a TTL.
    await analytics.store.insertEvents([viewed('u-4', 'ios')]);
    await analytics.store.rollupDay(day, true);
    const fresh = await app().request(`/v1/insights/usage?from=${day}&to=${day}&platform=ios`, {
      headers: bearer(admin),
    });
    expect(await fresh.json()).toMatchObject({ days: [{ day, opens: 3, distinctUsers: 3 }] });
  });

  it('refuse callers without the admin role (403) or a token (401), malformed queries (422) and ranges they cannot answer (400)', async () => {
    const user = await harness.token(unique('u'));
    const admin = await harness.token('product-1', { admin: true });
    for (const path of PATHS) {
      const refused = await app().request(path, { headers: bearer(user) });
      expect(refused.status, path).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN' });
      expect((await app().request(path)).status).toBe(401);
    }
    for (const query of [`from=${day}`, `from=${day}&to=${day}&platform=windows`, 'from=01.10.2026&to=2026-10-01']) {
      const bad = await app().request(`/v1/insights/usage?${query}`, { headers: bearer(admin) });
      expect(bad.status, query).toBe(422);
      expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    // Each day valid, the range not: a rule across two parameters, which the OpenAPI document cannot state.
    for (const query of [`from=${day}&to=2026-09-30`, 'from=2025-01-01&to=2026-10-01']) {
      const bad = await app().request(`/v1/insights/usage?${query}`, { headers: bearer(admin) });
      expect(bad.status, query).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'INVALID_RANGE' });
    }
  });

  it('answer 503 INSIGHTS_UNAVAILABLE when the analytics store cannot be reached', async () => {
    // Nothing listens on port 1: every connection is refused at once.
    const gone = createPostgresPool({ url: 'postgres://dashboard@127.0.0.1:1/analytics', schema: 'public' });
    const admin = await harness.token('product-1', { admin: true });
    try {
      const response = await harness
        .app({}, { insights: createCachedInsights(createAnalyticsStore(gone), redis, { namespace: unique('gone') }) })
        .request(PATHS[0] ?? '', { headers: bearer(admin) });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('10');
      expect(await response.json()).toMatchObject({ code: 'INSIGHTS_UNAVAILABLE' });
    } finally {
      await gone.end();
    }
  });
});
