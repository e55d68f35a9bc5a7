import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import { firstAccounts, renameAccount } from '../lib/domain-writes.js';
import { PROFILE_HEADERS } from '../lib/misses.js';
import { apiUrl } from '../lib/platform.js';
import { waitForQuiet } from '../lib/settle.js';
import { openStream } from '../lib/sse.js';
import { summarize, type Summary } from '../lib/stats.js';
import { tokensFor } from '../lib/users.js';
import type { BenchRun } from './context.js';
import { parseJson } from '../../dashboard/parse-json.js';

export interface FreshnessResult {
  readonly rate: number;
  readonly streams: number;
  readonly writes: number;
  /** Writes the accounts service refused or never answered: no update is owed for them. */
  readonly failedWrites: number;
  /** Writes whose update was owed, and how many of those updates arrived. */
  readonly expected: number;
  readonly seen: number;
  readonly unseen: number;
  /** How long the run waited after its last write for the updates still owed. */
  readonly waitedSeconds: number;
  readonly latencyMs: Summary;
}

/**
 * Time from a domain write (an account renamed at the accounts service) to DashboardUpdated on that
 * user's SSE stream. Each user is written at most every two seconds. After the last write the run
 * waits until no update is owed (or the drain bound passes) and reports what never came.
 */
export async function freshness({ platform, size, users, log }: BenchRun): Promise<FreshnessResult[]> {
  const { config } = platform;
  const results: FreshnessResult[] = [];
  for (const rate of size.freshnessRates) {
    // The previous rate's last rebuilds are not this rate's load.
    await waitForQuiet(platform, 60_000, log);
    const streams = Math.max(20, rate * 2);
    const userIds = users.take(streams, `freshness at ${rate} writes/s`);
    const accountOf = await firstAccounts(config, userIds);
    const ledger = new WriteLedger();
    const opened = await openStreams(config, userIds, (userId, builtAt) =>
      ledger.answer(userId, builtAt, performance.now()),
    );
    try {
      await sleep(1_000);
      log(`freshness: ${rate} writes/s for ${size.freshnessSeconds} s over ${streams} users with open streams`);
      const started = performance.now();
      const writes: Promise<void>[] = [];
      for (let i = 0; i < rate * size.freshnessSeconds; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        const userId = userIds[i % streams] ?? '';
        const write = ledger.sent(userId);
        writes.push(
          renameAccount(config, userId, accountOf.get(userId) ?? '', `Konto ${i}`).then((ok) =>
            ok ? undefined : ledger.failed(write),
          ),
        );
      }
      await Promise.all(writes);
      const lastWrite = performance.now();
      while (ledger.owed > 0 && performance.now() - lastWrite < size.freshnessDrainSeconds * 1000) await sleep(100);
      const result = { rate, streams, ...ledger.tally(), waitedSeconds: (performance.now() - lastWrite) / 1000 };
      if (result.unseen > 0)
        log(
          `!! FAILURE freshness at ${rate} writes/s: ${result.unseen} of ${result.expected} updates never arrived within ${size.freshnessDrainSeconds} s of the last write`,
        );
      results.push(result);
    } finally {
      for (const stream of opened) stream.close();
    }
  }
  return results;
}

interface Write {
  readonly userId: string;
  readonly sentAt: number;
  readonly sentEpochMs: number;
  /** Set once an update answered it. */
  latencyMs?: number;
  /** The service refused it or never answered: no update is owed. */
  failed?: boolean;
}

/**
 * Every write and whether an update answered it. An update answers each earlier write of its user
 * sent before the build composed the dashboard (the event's `builtAt`), so writes coalesced into one
 * build are each answered, and none is credited with a build composed before it was sent.
 */
class WriteLedger {
  private readonly writes: Write[] = [];
  private readonly unanswered = new Map<string, Write[]>();
  owed = 0;

  sent(userId: string): Write {
    const write: Write = { userId, sentAt: performance.now(), sentEpochMs: Date.now() };
    this.writes.push(write);
    this.unanswered.set(userId, [...(this.unanswered.get(userId) ?? []), write]);
    this.owed++;
    return write;
  }

  failed(write: Write): void {
    write.failed = true;
    if (write.latencyMs === undefined) this.owed--;
  }

  answer(userId: string, builtAtEpochMs: number, arrivedAt: number): void {
    const waiting = this.unanswered.get(userId) ?? [];
    for (const write of waiting) {
      if (write.sentEpochMs > builtAtEpochMs || write.failed) continue;
      write.latencyMs = arrivedAt - write.sentAt;
      this.owed--;
    }
    this.unanswered.set(
      userId,
      waiting.filter((w) => w.latencyMs === undefined && !w.failed),
    );
  }

  tally(): Pick<FreshnessResult, 'writes' | 'failedWrites' | 'expected' | 'seen' | 'unseen' | 'latencyMs'> {
    const expected = this.writes.filter((w) => !w.failed);
    const latencies = expected.flatMap((w) => w.latencyMs ?? []);
    return {
      writes: this.writes.length,
      failedWrites: this.writes.length - expected.length,
      expected: expected.length,
      seen: latencies.length,
      unseen: expected.length - latencies.length,
      latencyMs: summarize(latencies),
    };
  }
}

/** The part of the SSE event's data (the DashboardUpdated envelope) that says when the build composed the dashboard. */
const UpdateData = z.object({ data: z.object({ builtAt: z.string().datetime() }) });

/** One SSE stream per user (iOS 4.0), fifty opened at a time: a thousand at once would be a load test of its own. */
async function openStreams(
  config: Config,
  userIds: readonly string[],
  onUpdate: (userId: string, builtAtEpochMs: number) => void,
): Promise<{ close: () => void }[]> {
  const tokens = await tokensFor(config, userIds);
  const open = (token: string, userId: string) =>
    openStream(
      `${apiUrl(config)}/v1/dashboard/stream`,
      { ...PROFILE_HEADERS, authorization: `Bearer ${token}` },
      (event) => {
        if (event.event !== 'DashboardUpdated') return;
        const update = UpdateData.safeParse(parseJson(event.data));
        if (update.success) onUpdate(userId, Date.parse(update.data.data.builtAt));
      },
    );
  const opened: { close: () => void }[] = [];
  for (let i = 0; i < tokens.length; i += 50) {
    opened.push(...(await Promise.all(tokens.slice(i, i + 50).map((token, j) => open(token, userIds[i + j] ?? '')))));
  }
  return opened;
}
