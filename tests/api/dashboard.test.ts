import { readFileSync } from 'node:fs';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import matrix from '../../config/capabilities.json' with { type: 'json' };
import { createRedisClient } from '../../adapters/redis/client.js';
import { cacheKey, createDashboardCache } from '../../adapters/redis/dashboard-cache.js';
import { createRedisLock } from '../../adapters/redis/swr-lock.js';
import { createRedisRateLimiter } from '../../adapters/redis/rate-limiter.js';
import { createApp } from '../../api/app.js';
import { createApiDeps } from '../../api/deps.js';
import {
  parseEvent,
  renderForClient,
  viewRecordsOf,
  type ClientProfile,
  type ViewRecord,
} from '../../dashboard/index.js';
import { allClientProfiles } from '../../config/capability-matrix.js';
import { rebuildWorkflowId } from '../../contract/workflows.js';
import { topics } from '../../config/topics.js';
import { collectTopic } from '../support/kafka.js';
import { createTcpGate } from '../support/tcp-gate.js';
import { account, card, partner } from '../support/fixtures.js';
import { unique } from '../support/unique.js';
import { bearer, fixtureView, sleep, startApiHarness, type ApiHarness } from './support.js';

let harness: ApiHarness;

/** The views a message on the views topic carries (the records of a DashboardViews), or none. */
function viewsIn(value: unknown): ViewRecord[] {
  const parsed = parseEvent(value);
  return parsed.ok && parsed.known && parsed.event.type === 'DashboardViews'
    ? viewRecordsOf(parsed.event.id, parsed.event.data)
    : [];
}
beforeAll(async () => {
  harness = await startApiHarness();
});
afterAll(async () => {
  await harness?.stop();
});

function seed(userId: string) {
  harness.platform.domain.setItems('accounts', userId, [account('acc-1', 'Girokonto'), account('acc-2', 'Tagesgeld')]);
  harness.platform.domain.setItems('partners', userId, [partner('p-1', 'Allianz')]);
}

/** Headers an app of this profile sends: the lowest version of its range in the capability matrix. */
function clientHeaders(profile: ClientProfile): Record<string, string> {
  if (profile.platform === 'unknown') return {};
  const entry = matrix.platforms[profile.platform].find((e) => `${profile.platform}-${e.tier}` === profile.key);
  return { 'X-Client-Platform': profile.platform, 'X-Client-Version': semver.minVersion(entry!.range)!.version };
}

describe('GET /v1/dashboard', () => {
  it('reads Redis, then the Cassandra view, then rebuilds, and says which', async () => {
    const userId = unique('u');
    seed(userId);
    // Redis itself, without this process's near cache in front (tests/api/near-cache.test.ts): the
    // entry is deleted below behind the API's back, which no update announces.
    const redis = createRedisClient(harness.platform.config.REDIS_URL);
    const app = harness.app({}, { cache: createDashboardCache(redis) });
    const auth = bearer(await harness.token(userId));
    const get = () => app.request('/v1/dashboard', { headers: auth });

    const rebuilt = await get();
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.headers.get('X-Dashboard-Source')).toBe('rebuild');
    expect(rebuilt.headers.get('Cache-Control')).toBe('private, no-cache');
    const body = (await rebuilt.json()) as { userId: string; sections: { accounts: { items: { name: string }[] } } };
    expect(body.userId).toBe(userId);
    expect(body.sections.accounts.items.map((a) => a.name)).toEqual(['Girokonto', 'Tagesgeld']);

    expect((await get()).headers.get('X-Dashboard-Source')).toBe('cache');

    try {
      await redis.del(cacheKey(userId));
      const fromView = await get();
      expect(fromView.status).toBe(200);
      expect(fromView.headers.get('X-Dashboard-Source')).toBe('view');
      // The view read re-warmed Redis.
      expect((await get()).headers.get('X-Dashboard-Source')).toBe('cache');
      expect(harness.platform.domain.calls('accounts', userId)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('answers 304 to If-None-Match with the current strong ETag', async () => {
    const userId = unique('u');
    await harness.platform.deps.views.write(fixtureView(userId));
    const app = harness.app();
    const auth = bearer(await harness.token(userId));

    const first = await app.request('/v1/dashboard', { headers: auth });
    const etag = first.headers.get('ETag');
    expect(etag).toMatch(/^"[^"]+"$/);

    const again = await app.request('/v1/dashboard', { headers: { ...auth, 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('ETag')).toBe(etag);
    expect(again.headers.get('Cache-Control')).toBe('private, no-cache');

    const otherProfile = await app.request('/v1/dashboard', {
      headers: { ...auth, 'If-None-Match': etag!, 'X-Client-Platform': 'ios', 'X-Client-Version': '4.1.0' },
    });
    expect(otherProfile.status).toBe(200);
    expect(otherProfile.headers.get('ETag')).not.toBe(etag);
  });

  it('records each served dashboard as a view on Kafka (in a DashboardViews batch): where it came from, and a 304 as an ETag hit', async () => {
    const userId = unique('u');
    // Beside its offers, the dashboard shows a transaction insight, which the offer funnel must not count.
    const view = fixtureView(userId);
    const { widgets } = view.sections;
    const insight = card('insight-money-in', 'Money in this month');
    await harness.platform.deps.views.write({
      ...view,
      sections: { ...view.sections, widgets: { ...widgets, items: [...widgets.items, insight] } },
    });
    // The topic the API process publishes to (the harness's own clients): this user's events only.
    const viewed = await collectTopic(harness.platform.config, topics.dashboardViewed);
    try {
      const app = harness.app();
      const headers = {
        ...bearer(await harness.token(userId)),
        'X-Client-Platform': 'ios',
        'X-Client-Version': '4.1.0',
      };
      const first = await app.request('/v1/dashboard', { headers });
      expect(first.headers.get('X-Dashboard-Source')).toBe('view');
      const body = (await first.json()) as { sections: { widgets?: { items: { widget_id: string }[] } } };
      const widgetIds = body.sections.widgets?.items.map((w) => w.widget_id) ?? [];
      expect(widgetIds).toContain(insight.widget_id);
      const shownOffers = widgetIds.filter((id) => id !== insight.widget_id);
      expect(shownOffers.length).toBeGreaterThan(0);
      const second = await app.request('/v1/dashboard', { headers });
      expect(second.headers.get('X-Dashboard-Source')).toBe('cache');
      const revalidated = await app.request('/v1/dashboard', {
        headers: { ...headers, 'If-None-Match': second.headers.get('ETag')! },
      });
      expect(revalidated.status).toBe(304);

      const viewOf = async (match: (view: ViewRecord) => boolean) => {
        const found = (value: unknown) => viewsIn(value).find((v) => v.userId === userId && match(v));
        return found(await viewed.waitFor((value) => found(value) !== undefined))!;
      };
      const fromView = await viewOf((d) => d.source === 'view');
      const fromCache = await viewOf((d) => d.source === 'cache' && !d.etagHit);
      const notModified = await viewOf((d) => d.source === 'cache' && d.etagHit);
      expect(fromCache).toEqual({
        id: expect.any(String),
        time: expect.any(String),
        userId,
        platform: 'ios',
        appVersion: '4.1.0',
        profile: first.headers.get('X-Dashboard-Profile'),
        source: 'cache',
        latencyMs: expect.any(Number),
        etagHit: false,
        offerIds: shownOffers,
      });
      expect(fromView.etagHit).toBe(false);
      expect(notModified.offerIds).toEqual(shownOffers);
      // Each view counts once in analytics, which stores events by id.
      expect(new Set([fromView.id, fromCache.id, notModified.id]).size).toBe(3);
    } finally {
      await viewed.stop();
    }
  });

  it('answers every read while Kafka is stopped: views past the bounded buffer are dropped and counted, and sent again once Kafka is back', async () => {
    const userId = unique('u');
    await harness.platform.deps.views.write(fixtureView(userId));
    // An API process whose Kafka refuses connections until the gate opens.
    const [host = '127.0.0.1', port = '9092'] = (harness.platform.config.KAFKA_BROKERS[0] ?? '').split(':');
    const gate = await createTcpGate({ host, port: Number(port) });
    const buffer = 100;
    const api = createApiDeps({
      ...harness.platform.config,
      LOG_LEVEL: 'silent',
      KAFKA_BROKERS: [gate.address],
      VIEW_EVENTS_BUFFER: buffer,
      // One user reads far faster than an app would: the per-user limit is not what this measures.
      RATE_LIMIT_PER_MINUTE: 100_000,
    });
    const viewed = await collectTopic(harness.platform.config, topics.dashboardViewed);
    try {
      const headers = {
        ...bearer(await harness.token(userId)),
        'X-Client-Platform': 'ios',
        'X-Client-Version': '4.1.0',
      };
      // Cached by the harness's own API first: what is measured below is the read path customers use most.
      await vi.waitFor(async () => {
        const warm = await harness.app().request('/v1/dashboard', { headers });
        expect(warm.headers.get('X-Dashboard-Source')).toBe('cache');
      });
      const app = createApp(api.deps);
      const answers = new Map<string, number>();
      for (let i = 0; i < 1_000; i++) {
        const response = await app.request('/v1/dashboard', { headers });
        const answer = `${response.status} ${response.headers.get('X-Dashboard-Source')}`;
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
      }
      expect(answers).toEqual(new Map([['200 cache', 1_000]]));
      const whileStopped = api.deps.viewEvents!.counts();
      expect(whileStopped.sent).toBe(0);
      expect(whileStopped.buffered).toBeLessThanOrEqual(buffer);
      expect(whileStopped.dropped.buffer_full).toBeGreaterThan(0);

      await gate.open();
      // Views are statistics: those dropped stay dropped, and the next ones reach Kafka.
      await vi.waitFor(
        async () => {
          await app.request('/v1/dashboard', { headers });
          expect(api.deps.viewEvents!.counts().sent).toBeGreaterThan(0);
        },
        { timeout: 30_000, interval: 500 },
      );
      await viewed.waitFor((value) => viewsIn(value).some((v) => v.userId === userId));
    } finally {
      await viewed.stop();
      await api.close();
      await gate.close();
    }
  });

  it('gives each client profile what its golden file says', async () => {
    const userId = unique('u');
    const view = fixtureView(userId);
    await harness.platform.deps.views.write(view);
    const app = harness.app();
    const auth = bearer(await harness.token(userId));
    const goldenUser = (
      JSON.parse(readFileSync(new URL('../dashboard/golden/canonical.json', import.meta.url), 'utf8')) as {
        userId: string;
      }
    ).userId;

    for (const profile of allClientProfiles()) {
      const response = await app.request('/v1/dashboard', { headers: { ...auth, ...clientHeaders(profile) } });
      expect(response.status, profile.key).toBe(200);
      expect(response.headers.get('X-Dashboard-Profile')).toBe(profile.key);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual(JSON.parse(JSON.stringify(renderForClient(view, profile))));
      const golden: unknown = JSON.parse(
        readFileSync(new URL(`../dashboard/golden/${profile.key}.json`, import.meta.url), 'utf8'),
      );
      expect({ ...body, userId: goldenUser }, profile.key).toEqual(golden);
    }
    // Unknown platforms and garbage versions get the most conservative profile.
    const unknown = await app.request('/v1/dashboard', {
      headers: { ...auth, 'X-Client-Platform': 'windows-phone', 'X-Client-Version': 'banana' },
    });
    expect(unknown.headers.get('X-Dashboard-Profile')).toBe('conservative');
  });

  it('serves a stale entry at once and triggers exactly one background rebuild, across processes', async () => {
    const userId = unique('u');
    seed(userId);
    const other = harness.anotherProcess();
    const apps = [
      harness.app({ DASHBOARD_SOFT_TTL_SECONDS: 1 }),
      harness.app({ DASHBOARD_SOFT_TTL_SECONDS: 1 }, other.deps),
    ];
    const auth = bearer(await harness.token(userId));
    expect((await apps[0]!.request('/v1/dashboard', { headers: auth })).headers.get('X-Dashboard-Source')).toBe(
      'rebuild',
    );
    expect(harness.platform.domain.calls('accounts', userId)).toBe(1);
    await sleep(1_200);

    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => apps[i % 2]!.request('/v1/dashboard', { headers: auth })),
    );
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.get('X-Dashboard-Source')).toBe('cache');
      expect(response.headers.get('X-Dashboard-Stale')).toBe('true');
    }
    await expect.poll(() => harness.platform.domain.calls('accounts', userId), { timeout: 15_000 }).toBe(2);
    await sleep(1_000);
    expect(harness.platform.domain.calls('accounts', userId)).toBe(2);
    const triggered = async (i: number) =>
      (await apps[i]!.metrics.rebuildsTriggered.get()).values.find((v) => v.labels['kind'] === 'background')?.value ??
      0;
    expect((await triggered(0)) + (await triggered(1))).toBe(1);
  });

  it('asks the single-flight lock once per lease for a stale user, however many reads find it stale', async () => {
    const userId = unique('u');
    seed(userId);
    const asked: string[] = [];
    const lock = harness.deps.lock;
    const app = harness.app(
      { DASHBOARD_SOFT_TTL_SECONDS: 1 },
      { lock: { ...lock, tryAcquire: (key, ttlMs) => (asked.push(key), lock.tryAcquire(key, ttlMs)) } },
    );
    const auth = bearer(await harness.token(userId));
    expect((await app.request('/v1/dashboard', { headers: auth })).headers.get('X-Dashboard-Source')).toBe('rebuild');
    await sleep(1_200);
    // Stale until the background rebuild lands and is announced.
    let staleReads = 0;
    for (let i = 0; i < 20; i++) {
      const response = await app.request('/v1/dashboard', { headers: auth });
      if (response.headers.get('X-Dashboard-Stale') !== 'true') break;
      staleReads++;
    }
    expect(staleReads).toBeGreaterThan(1);
    expect(asked).toEqual([`swr:${userId}`]);
  });

  const rebuildRuns = async (userId: string) => {
    const found = [];
    for await (const execution of harness.platform.client.workflow.list({
      query: `WorkflowId = '${rebuildWorkflowId(userId)}'`,
    }))
      found.push(execution);
    return found;
  };

  it('runs one rebuild workflow for 50 concurrent misses of one user', async () => {
    const userId = unique('u');
    seed(userId);
    const app = harness.app();
    const auth = bearer(await harness.token(userId));

    const responses = await Promise.all(
      Array.from({ length: 50 }, () => app.request('/v1/dashboard', { headers: auth })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((r) => r.headers.get('ETag'))).size).toBe(1);
    expect(harness.platform.domain.calls('accounts', userId)).toBe(1);
    // Visibility is eventually consistent: wait for the execution to show, then count.
    await expect.poll(async () => (await rebuildRuns(userId)).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await rebuildRuns(userId)).toHaveLength(1);
  });

  it('answers 50 concurrent misses of one user across two API processes, each process with one build at most', async () => {
    const userId = unique('u');
    seed(userId);
    // Each process shares one update among its callers; the two processes' updates meet in the user's
    // run, or the second starts a run of its own when the first had completed by then.
    const apps = [harness.app(), createApp(harness.anotherProcess().deps)];
    const auth = bearer(await harness.token(userId));

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => apps[i % 2]!.request('/v1/dashboard', { headers: auth })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((r) => r.headers.get('ETag'))).size).toBeLessThanOrEqual(2);
    expect(harness.platform.domain.calls('accounts', userId)).toBeLessThanOrEqual(2);
    await expect.poll(async () => (await rebuildRuns(userId)).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await rebuildRuns(userId)).length).toBeLessThanOrEqual(2);
  });

  it('answers 503 with Retry-After within the deadline when nothing can be built', async () => {
    const userId = unique('u');
    const services = ['accounts', 'partners', 'offers', 'transactions'] as const;
    // Services that hang rather than fail fast: only the API's deadline ends the wait.
    for (const service of services) harness.platform.domain.setMode(service, { slowMs: 60_000 });
    try {
      const app = harness.app({ REBUILD_DEADLINE_MS: 2_000 });
      const started = Date.now();
      const response = await app.request('/v1/dashboard', { headers: bearer(await harness.token(userId)) });
      // The deadline is 2 s; without it the rebuild's timeouts and retries would hold the request far longer.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(response.status).toBe(503);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(await response.json()).toMatchObject({ status: 503, code: 'DASHBOARD_UNAVAILABLE' });
    } finally {
      for (const service of services) harness.platform.domain.setMode(service, 'ok');
    }
  });

  it('degrades to the Cassandra view when Redis is down, and /readyz says so', async () => {
    const userId = unique('u');
    await harness.platform.deps.views.write(fixtureView(userId));
    const deadRedis = createRedisClient('redis://127.0.0.1:1', { commandTimeoutMs: 300 });
    deadRedis.on('error', () => undefined);
    const rateLimiter = createRedisRateLimiter(deadRedis);
    try {
      const app = harness.app(
        {},
        {
          cache: createDashboardCache(deadRedis, { ttlSeconds: 60 }),
          lock: createRedisLock(deadRedis),
          rateLimiter,
          probes: { ...harness.deps.probes, redis: async () => void (await deadRedis.ping()) },
        },
      );
      const started = Date.now();
      const response = await app.request('/v1/dashboard', { headers: bearer(await harness.token(userId)) });
      expect(response.status).toBe(200);
      expect(response.headers.get('X-Dashboard-Source')).toBe('view');
      // Short Redis timeouts, not a hang on a dead cache.
      expect(Date.now() - started).toBeLessThan(5_000);

      const ready = await app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'not_ready',
        checks: {
          redis: 'down',
          cassandra: expect.stringMatching(/up|degraded/),
          temporal: expect.stringMatching(/up|degraded/),
        },
      });
    } finally {
      await rateLimiter.close();
      deadRedis.disconnect();
    }
  });
});
