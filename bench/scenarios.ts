import { setTimeout as sleep } from 'node:timers/promises';
import { createDevToken } from '../cli/token.js';
import { Account, Partner, Widget, composeDashboard, defaultPreferences, mergeWidgetSources, renderForClient, resolveClientProfile, type SourceResult } from '../dashboard/index.js';
import { createCassandraClient } from '../adapters/cassandra/client.js';
import { createViewStore } from '../adapters/cassandra/view-store.js';
import { createRedisClient } from '../adapters/redis/client.js';
import { createDashboardCache } from '../adapters/redis/dashboard-cache.js';
import type { Config } from '../config/index.js';
import { startFloorServer } from './lib/floor-server.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { apiUrl, type BenchPlatform } from './lib/platform.js';
import { openStream } from './lib/sse.js';
import { summarize, type Summary } from './lib/stats.js';

/** How big each scenario is: quick fits in about five minutes, full measures longer and wider. */
export interface BenchSize {
  readonly seedUsers: number;
  readonly warmUsers: number;
  readonly rates: number[];
  readonly loadSeconds: number;
  readonly missSamples: number;
  readonly freshnessRates: number[];
  readonly freshnessSeconds: number;
  readonly rebuildUsers: number;
  readonly burstWrites: number;
  readonly sseStreams: number;
}

const PROFILE_HEADERS = { 'x-client-platform': 'ios', 'x-client-version': '4.0.0' };
const user = (n: number) => `u-${n}`;

async function tokensFor(config: Config, from: number, count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => createDevToken(config, { userId: user(from + i) })));
}

async function inBatches<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += concurrency) await Promise.all(items.slice(i, i + concurrency).map(work));
}

async function setFaults(config: Config, faults: { latencyMs?: number }): Promise<void> {
  for (const url of [config.ACCOUNTS_URL, config.PARTNERS_URL, config.TRANSACTIONS_URL, config.OFFERS_URL]) {
    const response = await fetch(`${url}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    if (!response.ok) throw new Error(`could not set faults on ${url}: ${response.status}`);
  }
}

/** Each user's first account id at the accounts service: what the write scenarios rename. */
async function firstAccounts(config: Config, userIds: string[]): Promise<Map<string, string>> {
  const accountOf = new Map<string, string>();
  await inBatches(userIds, 20, async (userId) => {
    const body = (await (await fetch(`${config.ACCOUNTS_URL}/v1/users/${userId}/accounts`)).json()) as { items: { id: string }[] };
    if (body.items[0]) accountOf.set(userId, body.items[0].id);
  });
  return accountOf;
}

// ---- 1. cache hit

export interface CacheHitResult {
  readonly warmUsers: number;
  readonly atRate: { rate: number; api: LoadResult; floor: LoadResult }[];
  readonly highest: { api: LoadResult; floor: LoadResult; ratio: number };
  readonly rssDuringMaxMiB: Record<string, number>;
}

export async function cacheHit(platform: BenchPlatform, size: BenchSize, log: (l: string) => void): Promise<CacheHitResult> {
  const { config } = platform;
  const tokens = await tokensFor(config, 1, size.warmUsers);
  log(`cache hit: warming ${tokens.length} users`);
  let body = '';
  let etag = '';
  await inBatches(tokens, 10, async (token) => {
    // A freshly started worker is slow for its first builds; warm-up waits for it, the measurement does not.
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${apiUrl(config)}/v1/dashboard`, { headers: { ...PROFILE_HEADERS, authorization: `Bearer ${token}` } });
      if (response.ok) {
        body = await response.text();
        etag = response.headers.get('etag') ?? '';
        return;
      }
      if (attempt === 5) throw new Error(`warm-up answered ${response.status}: ${await response.text()}`);
      await response.text();
    }
  });
  const check = await fetch(`${apiUrl(config)}/v1/dashboard`, { headers: { ...PROFILE_HEADERS, authorization: `Bearer ${tokens[0]}` } });
  if (check.headers.get('x-dashboard-source') !== 'cache') throw new Error(`expected a cache hit after warm-up, got ${check.headers.get('x-dashboard-source')}`);

  const floor = await startFloorServer(body, { 'content-type': 'application/json', etag, 'cache-control': 'private, no-cache' });
  const random = () => ({ ...PROFILE_HEADERS, authorization: `Bearer ${tokens[Math.floor(Math.random() * tokens.length)]}` });
  try {
    const atRate = [];
    for (const rate of size.rates) {
      log(`cache hit: ${rate} req/s for ${size.loadSeconds} s (API, then floor)`);
      const api = await runLoad({ url: `${apiUrl(config)}/v1/dashboard`, rate, durationSeconds: size.loadSeconds, headers: random });
      const floorResult = await runLoad({ url: floor.url, rate, durationSeconds: size.loadSeconds, headers: random });
      atRate.push({ rate, api, floor: floorResult });
    }
    log(`cache hit: highest rate, ${size.loadSeconds} s each`);
    let rssDuringMaxMiB: Record<string, number> = {};
    const sampler = setInterval(() => {
      const now = platform.rss();
      for (const [name, mib] of Object.entries(now)) rssDuringMaxMiB[name] = Math.max(rssDuringMaxMiB[name] ?? 0, mib);
    }, 500);
    const api = await runLoad({ url: `${apiUrl(config)}/v1/dashboard`, durationSeconds: size.loadSeconds, connections: 50, headers: random });
    clearInterval(sampler);
    rssDuringMaxMiB = { ...rssDuringMaxMiB };
    const floorMax = await runLoad({ url: floor.url, durationSeconds: size.loadSeconds, connections: 50, headers: random });
    return { warmUsers: tokens.length, atRate, highest: { api, floor: floorMax, ratio: api.requestsPerSecond / floorMax.requestsPerSecond }, rssDuringMaxMiB };
  } finally {
    floor.stop();
  }
}

// ---- 2. cache miss

async function forgetDashboards(config: Config, userIds: string[]): Promise<void> {
  const cassandra = createCassandraClient(config);
  const redis = createRedisClient(config.REDIS_URL);
  try {
    const views = createViewStore(cassandra);
    const cache = createDashboardCache(redis);
    for (const userId of userIds) await Promise.all([views.erase(userId), cache.erase(userId)]);
  } finally {
    redis.disconnect();
    await cassandra.shutdown();
  }
}

export interface CacheMissResult {
  readonly domainLatencyMs: number;
  readonly api: Summary;
  readonly floor: Summary;
  readonly ratioP50: number;
  readonly ratioP95: number;
  readonly sources: Record<string, number>;
}

export async function cacheMiss(platform: BenchPlatform, size: BenchSize, log: (l: string) => void): Promise<CacheMissResult> {
  const { config } = platform;
  const domainLatencyMs = 20;
  await setFaults(config, { latencyMs: domainLatencyMs });
  try {
    // No cache entry and no view (an earlier run may have built them), so every request takes the rebuild path.
    const first = size.seedUsers - 2 * size.missSamples;
    await forgetDashboards(config, Array.from({ length: size.missSamples }, (_, i) => user(first + i)));
    const tokens = await tokensFor(config, first, size.missSamples);
    log(`cache miss: ${tokens.length} fresh users, one at a time, domain services at +${domainLatencyMs} ms`);
    const api: number[] = [];
    const sources: Record<string, number> = {};
    for (const token of tokens) {
      const t0 = performance.now();
      const response = await fetch(`${apiUrl(config)}/v1/dashboard`, { headers: { ...PROFILE_HEADERS, authorization: `Bearer ${token}` } });
      await response.text();
      api.push(performance.now() - t0);
      const source = `${response.status} ${response.headers.get('x-dashboard-source') ?? '-'}`;
      sources[source] = (sources[source] ?? 0) + 1;
    }
    log('cache miss: floor (the same four calls in parallel, composed in-process)');
    const floor: number[] = [];
    const profile = resolveClientProfile('ios', '4.0.0');
    for (let i = 0; i < size.missSamples; i++) {
      const userId = user(first + size.missSamples + i);
      const t0 = performance.now();
      const get = async <T>(base: string, path: string, item: { parse: (v: unknown) => T }): Promise<SourceResult<T>> => {
        const body = (await (await fetch(`${base}/v1/users/${userId}/${path}`)).json()) as { asOf: string; items: unknown[] };
        return { status: 'fresh', asOf: body.asOf, items: body.items.map((x) => item.parse(x)) };
      };
      const [accounts, partners, offers, insights] = await Promise.all([
        get(config.ACCOUNTS_URL, 'accounts', Account),
        get(config.PARTNERS_URL, 'partners', Partner),
        get(config.OFFERS_URL, 'offers', Widget),
        get(config.TRANSACTIONS_URL, 'insights', Widget),
      ]);
      const canonical = composeDashboard({ accounts, partners, widgets: mergeWidgetSources(offers, insights) }, defaultPreferences(userId), new Date().toISOString());
      JSON.stringify(renderForClient(canonical, profile));
      floor.push(performance.now() - t0);
    }
    const a = summarize(api);
    const f = summarize(floor);
    return { domainLatencyMs, api: a, floor: f, ratioP50: a.p50 / f.p50, ratioP95: a.p95 / f.p95, sources };
  } finally {
    await setFaults(config, {});
  }
}

// ---- 3. freshness

export interface FreshnessResult {
  readonly rate: number;
  readonly streams: number;
  readonly writes: number;
  readonly received: number;
  readonly latencyMs: Summary;
}

/**
 * Time from a domain write (an account renamed at the accounts service) to DashboardUpdated on that
 * user's SSE stream. Each user is written at most every two seconds, so the first update after a
 * write is the build that write caused.
 */
export async function freshness(platform: BenchPlatform, size: BenchSize, log: (l: string) => void): Promise<FreshnessResult[]> {
  const { config } = platform;
  const results: FreshnessResult[] = [];
  let nextUser = 1;
  for (const rate of size.freshnessRates) {
    const streams = Math.max(20, rate * 2);
    const users = Array.from({ length: streams }, () => nextUser++);
    const tokens = await tokensFor(config, users[0] ?? 1, streams);
    const accountOf = await firstAccounts(config, users.map(user));
    const pending = new Map<string, number>();
    const latencies: number[] = [];
    const opened = await Promise.all(
      tokens.map((token, i) =>
        openStream(`${apiUrl(config)}/v1/dashboard/stream`, { ...PROFILE_HEADERS, authorization: `Bearer ${token}` }, (event) => {
          if (event.event !== 'DashboardUpdated') return;
          const userId = user(users[i] ?? 0);
          const sentAt = pending.get(userId);
          if (sentAt === undefined) return;
          pending.delete(userId);
          latencies.push(performance.now() - sentAt);
        }),
      ),
    );
    await sleep(1_000);
    log(`freshness: ${rate} writes/s for ${size.freshnessSeconds} s over ${streams} users with open streams`);
    const total = rate * size.freshnessSeconds;
    const started = performance.now();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const userId = user(users[i % streams] ?? 1);
      const accountId = accountOf.get(userId);
      if (!accountId) continue;
      pending.set(userId, performance.now());
      writes.push(
        fetch(`${config.ACCOUNTS_URL}/v1/users/${userId}/accounts/${accountId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `Konto ${i}` }) }).then(
          (r) => void r.text(),
        ),
      );
    }
    await Promise.all(writes);
    for (let i = 0; i < 100 && pending.size > 0; i++) await sleep(100);
    for (const stream of opened) stream.close();
    results.push({ rate, streams, writes: total, received: latencies.length, latencyMs: summarize(latencies) });
  }
  return results;
}

// ---- 4. throughput

export interface ThroughputResult {
  readonly rebuilds: { users: number; seconds: number; perSecond: number };
  readonly events: { writes: number; users: number; writeSeconds: number; writesPerSecond: number; rebuildsObserved: number; drainSeconds: number; maxLag: number; lagSeries: { t: number; lag: number }[] };
}

async function bridgeLag(config: Config): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${config.BRIDGE_PORT}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('bridge_consumer_lag{'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

export async function throughput(platform: BenchPlatform, size: BenchSize, log: (l: string) => void): Promise<ThroughputResult> {
  const { config } = platform;
  const redis = createRedisClient(config.REDIS_URL);
  const updated = new Map<string, number>();
  redis.on('pmessage', (_pattern: string, channel: string) => {
    const userId = channel.slice(channel.indexOf(':') + 1);
    updated.set(userId, (updated.get(userId) ?? 0) + 1);
  });
  await redis.psubscribe('dashboard-updated:*');
  try {
    // Sustained rebuilds: distinct users, each triggered once, as fast as Temporal takes the signals.
    const first = Math.floor(size.seedUsers / 2);
    const users = Array.from({ length: size.rebuildUsers }, (_, i) => user(first + i));
    log(`throughput: ${users.length} rebuilds of distinct users`);
    const { createDashboardWorkflows } = await import('../adapters/temporal/dashboard-workflows.js');
    const workflows = createDashboardWorkflows(platform.temporal, config.TEMPORAL_TASK_QUEUE);
    const t0 = performance.now();
    await inBatches(users, 50, (u) => workflows.requestRebuild(u, 'admin'));
    while (users.some((u) => !updated.has(u)) && performance.now() - t0 < 300_000) await sleep(100);
    const seconds = (performance.now() - t0) / 1000;
    const done = users.filter((u) => updated.has(u)).length;

    // Events with coalescing: a burst of writes over a few users, through Kafka and the bridge.
    const burstUsers = Array.from({ length: Math.min(100, size.burstWrites) }, (_, i) => user(first + size.rebuildUsers + i));
    const accountOf = await firstAccounts(config, burstUsers);
    for (const u of burstUsers) updated.delete(u);
    log(`throughput: ${size.burstWrites} writes over ${burstUsers.length} users as fast as they go`);
    const lagSeries: { t: number; lag: number }[] = [];
    const b0 = performance.now();
    const sampler = setInterval(() => {
      void bridgeLag(config).then((lag) => lagSeries.push({ t: Math.round((performance.now() - b0) / 100) / 10, lag }), () => undefined);
    }, 500);
    const writes = Array.from({ length: size.burstWrites }, (_, i) => burstUsers[i % burstUsers.length] ?? user(1));
    await inBatches(writes, 50, async (u) => {
      await (await fetch(`${config.ACCOUNTS_URL}/v1/users/${u}/accounts/${accountOf.get(u)}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `Burst ${Math.random()}` }) })).text();
    });
    const writeSeconds = (performance.now() - b0) / 1000;
    // Drained: lag back to zero and every user rebuilt after its last write.
    while (performance.now() - b0 < 300_000) {
      if ((await bridgeLag(config)) === 0 && burstUsers.every((u) => updated.has(u))) break;
      await sleep(200);
    }
    clearInterval(sampler);
    const drainSeconds = (performance.now() - b0) / 1000;
    const rebuildsObserved = burstUsers.reduce((sum, u) => sum + (updated.get(u) ?? 0), 0);
    return {
      rebuilds: { users: done, seconds, perSecond: done / seconds },
      events: {
        writes: size.burstWrites,
        users: burstUsers.length,
        writeSeconds,
        writesPerSecond: size.burstWrites / writeSeconds,
        rebuildsObserved,
        drainSeconds,
        maxLag: Math.max(0, ...lagSeries.map((s) => s.lag)),
        lagSeries,
      },
    };
  } finally {
    redis.disconnect();
  }
}

// ---- 5. memory and connections

export interface CapacityResult {
  readonly sseStreamsOpened: number;
  readonly sseTarget: number;
  readonly apiRssBeforeMiB: number;
  readonly apiRssWithStreamsMiB: number;
  readonly rssAfterMiB: Record<string, number>;
}

export async function capacity(platform: BenchPlatform, size: BenchSize, log: (l: string) => void): Promise<CapacityResult> {
  const { config } = platform;
  log(`capacity: opening ${size.sseStreams} SSE streams on one API process`);
  const tokens = await tokensFor(config, 1, 200);
  const before = platform.rss()['api'] ?? 0;
  const streams: { close: () => void }[] = [];
  for (let i = 0; i < size.sseStreams; i += 50) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(50, size.sseStreams - i) }, (_, j) =>
        openStream(`${apiUrl(config)}/v1/dashboard/stream`, { authorization: `Bearer ${tokens[(i + j) % tokens.length]}` }, () => {}),
      ),
    );
    const opened = batch.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    streams.push(...opened);
    if (opened.length < batch.length) break;
  }
  await sleep(1_000);
  const withStreams = platform.rss()['api'] ?? 0;
  for (const stream of streams) stream.close();
  return { sseStreamsOpened: streams.length, sseTarget: size.sseStreams, apiRssBeforeMiB: before, apiRssWithStreamsMiB: withStreams, rssAfterMiB: platform.rss() };
}
