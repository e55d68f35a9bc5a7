import { setTimeout as sleep } from 'node:timers/promises';
import { createRedisClient } from '../../adapters/redis/client.js';
import { liveChannel } from '../../adapters/redis/live-updates.js';
import { SUPPORTED_SCHEMA_VERSION } from '../../dashboard/index.js';
import { apiUrl } from '../lib/platform.js';
import { openStream } from '../lib/sse.js';
import { tokensFor, userId } from '../lib/users.js';
import type { BenchRun } from './context.js';

export interface CapacityResult {
  readonly sseStreamsOpened: number;
  readonly sseTarget: number;
  /** Streams that received their user's DashboardUpdated (one announced per user). */
  readonly sseStreamsUpdated: number;
  readonly apiRssBeforeMiB: number;
  readonly apiRssWithStreamsMiB: number;
  /** Ten seconds after every stream closed. V8 collects lazily, so the heap says more than RSS. */
  readonly apiRssAfterMiB: number;
  readonly apiHeapMiB: { readonly before: number; readonly withStreams: number; readonly after: number };
  readonly streamsLeftOpen: number;
  readonly rssAfterMiB: Record<string, number>;
}

const USERS = 200;

/**
 * SSE streams one API process holds, whether each receives its user's update, and what they cost it
 * in memory while open and after they closed. The updates are announced on the users' live channels
 * as the worker announces a build: what is measured is the API's fan-out, not rebuilds.
 */
export async function capacity({ platform, size, log }: BenchRun): Promise<CapacityResult> {
  const { config } = platform;
  log(`capacity: opening ${size.sseStreams} SSE streams on one API process`);
  // Streams only listen, so any seeded users do; several streams per user, as several devices would.
  const users = Array.from({ length: Math.min(USERS, size.seedUsers) }, (_, i) => userId(i + 1));
  const tokens = await tokensFor(config, users);
  const apiMetric = async (name: string) =>
    Number(
      (await (await fetch(`${apiUrl(config)}/metrics`)).text()).match(new RegExp(`^${name} (\\S+)`, 'm'))?.[1] ?? NaN,
    );
  const heapMiB = async () => Math.round((await apiMetric('nodejs_heap_size_used_bytes')) / 1048576);
  const heapBefore = await heapMiB();
  const before = platform.rss()['api'] ?? 0;
  const version = Date.now();
  const updated = new Set<number>();
  const streams: { close: () => void }[] = [];
  for (let i = 0; i < size.sseStreams; i += 50) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(50, size.sseStreams - i) }, (_, j) => {
        const n = i + j;
        return openStream(
          `${apiUrl(config)}/v1/dashboard/stream`,
          { authorization: `Bearer ${tokens[n % tokens.length]}` },
          (event) => {
            if (event.event === 'DashboardUpdated' && event.id === String(version)) updated.add(n);
          },
        );
      }),
    );
    const opened = batch.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    streams.push(...opened);
    if (opened.length < batch.length) break;
  }
  await sleep(1_000);
  const withStreams = platform.rss()['api'] ?? 0;
  const heapWithStreams = await heapMiB();

  const redis = createRedisClient(config.REDIS_URL);
  try {
    for (const user of users) {
      const event = {
        id: `bench:${user}:${version}`,
        type: 'DashboardUpdated',
        source: 'dashboard-platform',
        subject: user,
        time: new Date().toISOString(),
        schemaVersion: SUPPORTED_SCHEMA_VERSION,
        data: { userId: user, version, builtAt: new Date().toISOString(), trigger: 'replay' },
      };
      await redis.publish(liveChannel(user), JSON.stringify(event));
    }
  } finally {
    redis.disconnect();
  }
  for (let waited = 0; updated.size < streams.length && waited < 30_000; waited += 250) await sleep(250);
  log(`capacity: ${updated.size} of ${streams.length} streams received their user's update`);

  for (const stream of streams) stream.close();
  await sleep(10_000);
  return {
    sseStreamsOpened: streams.length,
    sseTarget: size.sseStreams,
    sseStreamsUpdated: updated.size,
    apiRssBeforeMiB: before,
    apiRssWithStreamsMiB: withStreams,
    apiRssAfterMiB: platform.rss()['api'] ?? 0,
    apiHeapMiB: { before: heapBefore, withStreams: heapWithStreams, after: await heapMiB() },
    streamsLeftOpen: await apiMetric('sse_streams'),
    rssAfterMiB: platform.rss(),
  };
}
