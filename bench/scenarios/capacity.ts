import { setTimeout as sleep } from 'node:timers/promises';
import { apiUrl } from '../lib/platform.js';
import { openStream } from '../lib/sse.js';
import { tokensFor, userId } from '../lib/users.js';
import type { BenchRun } from './context.js';

export interface CapacityResult {
  readonly sseStreamsOpened: number;
  readonly sseTarget: number;
  readonly apiRssBeforeMiB: number;
  readonly apiRssWithStreamsMiB: number;
  readonly rssAfterMiB: Record<string, number>;
}

/** SSE streams one API process holds, and what they cost it in memory. */
export async function capacity({ platform, size, log }: BenchRun): Promise<CapacityResult> {
  const { config } = platform;
  log(`capacity: opening ${size.sseStreams} SSE streams on one API process`);
  // Streams only listen, so any seeded users do; several streams per user, as several devices would.
  const tokens = await tokensFor(config, Array.from({ length: Math.min(200, size.seedUsers) }, (_, i) => userId(i + 1)));
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
