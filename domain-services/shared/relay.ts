import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { eventMessage } from '../../adapters/kafka/event-producer.js';
import type { JournalEntry } from './journal.js';
import type { EventPublisher } from './kafka-publisher.js';

export const PUBLISHED_SEQ_FILE = 'published.seq';

export interface OutboxRelayOptions {
  dir: string;
  publisher: EventPublisher;
  logger: Logger;
  /** Most entries sent in one produce request. */
  batchSize?: number;
  /** First retry delay; doubles per consecutive failure up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface OutboxStatus {
  /** Highest seq Kafka acknowledged (persisted). */
  publishedSeq: number;
  /** Journaled entries not yet acknowledged. */
  pending: number;
  consecutiveFailures: number;
  /** Failed publish attempts since the relay started. */
  failedAttempts: number;
  lastError: string | null;
}

/**
 * Publishes journal entries to Kafka in seq order, at least once. The journal holds every entry, so
 * the relay can retry forever (bounded backoff) without ever dropping one; `published.seq` is written
 * only after Kafka's ack, so a crash in between re-sends (duplicates are fine: consumers rebuild from
 * current truth) but never skips.
 */
export class OutboxRelay {
  private readonly pending: JournalEntry[] = [];
  private readonly batchSize: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private publishedSeq: number;
  private consecutiveFailures = 0;
  private failedAttempts = 0;
  private lastError: string | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly drainedWaiters = new Set<() => void>();

  private constructor(
    private readonly options: OutboxRelayOptions,
    publishedSeq: number,
  ) {
    this.publishedSeq = publishedSeq;
    this.batchSize = options.batchSize ?? 100;
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
  }

  /** `backlog` is what the journal recovered; entries Kafka already acknowledged are skipped. */
  static async open(options: OutboxRelayOptions, backlog: readonly JournalEntry[]): Promise<OutboxRelay> {
    const relay = new OutboxRelay(options, await readPublishedSeq(options.dir));
    for (const entry of backlog) relay.enqueue(entry);
    return relay;
  }

  enqueue(entry: JournalEntry): void {
    if (entry.seq <= this.publishedSeq) return;
    this.pending.push(entry);
    this.wake?.();
  }

  status(): OutboxStatus {
    return {
      publishedSeq: this.publishedSeq,
      pending: this.pending.length,
      consecutiveFailures: this.consecutiveFailures,
      failedAttempts: this.failedAttempts,
      lastError: this.lastError,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Resolves true once everything journaled so far is published, false at the deadline. */
  async flush(deadlineMs: number): Promise<boolean> {
    if (this.pending.length === 0) return true;
    let done: (() => void) | undefined;
    const drained = new Promise<boolean>((resolve) => {
      done = () => resolve(true);
      this.drainedWaiters.add(done);
    });
    const result = await Promise.race([drained, sleep(deadlineMs).then(() => false)]);
    if (done !== undefined) this.drainedWaiters.delete(done);
    return result;
  }

  /** Stops after the current attempt; what is left stays in the journal for the next start. */
  async stop(deadlineMs: number): Promise<void> {
    this.running = false;
    this.wake?.();
    if (this.loop !== null) await Promise.race([this.loop, sleep(deadlineMs)]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const batch = this.pending.slice(0, this.batchSize);
      if (batch.length === 0) {
        await this.idle(Number.POSITIVE_INFINITY);
        continue;
      }
      try {
        await this.options.publisher.publish(batch.map((entry) => eventMessage(entry.event)));
        const last = batch.at(-1)?.seq ?? this.publishedSeq;
        await writePublishedSeq(this.options.dir, last);
        this.publishedSeq = last;
        this.pending.splice(0, batch.length);
        if (this.consecutiveFailures > 0)
          this.options.logger.info(
            { publishedSeq: last, failures: this.consecutiveFailures },
            'outbox relay recovered',
          );
        this.consecutiveFailures = 0;
        this.lastError = null;
        if (this.pending.length === 0) this.notifyDrained();
      } catch (error) {
        this.consecutiveFailures++;
        this.failedAttempts++;
        this.lastError = error instanceof Error ? error.message : String(error);
        // Kept as one line of arithmetic rather than cockatiel's retry policy: this loop is also the
        // relay's wait for new entries, and a backoff must end at once when the service stops, which
        // cockatiel's delay does not.
        const delay = Math.min(
          this.maxBackoffMs,
          this.initialBackoffMs * 2 ** Math.min(this.consecutiveFailures - 1, 20),
        );
        // Logging every attempt of a long outage would flood the log; the first and then every tenth is enough.
        if (this.consecutiveFailures === 1 || this.consecutiveFailures % 10 === 0) {
          this.options.logger.warn(
            { err: error, pending: this.pending.length, failures: this.consecutiveFailures, retryInMs: delay },
            'outbox relay could not publish; retrying',
          );
        }
        await this.idle(delay, true);
      }
    }
  }

  /** Waits for new entries (or for a backoff delay), returning early when stopped. */
  private async idle(ms: number, ignoreNewEntries = false): Promise<void> {
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      if (Number.isFinite(ms)) timer = setTimeout(finish, ms);
      // During a backoff new entries must not cut the delay short, only stopping does.
      this.wake = ignoreNewEntries ? () => (this.running ? undefined : finish()) : finish;
    });
  }

  private notifyDrained(): void {
    for (const done of this.drainedWaiters) done();
    this.drainedWaiters.clear();
  }
}

async function readPublishedSeq(dir: string): Promise<number> {
  try {
    const text = (await readFile(join(dir, PUBLISHED_SEQ_FILE), 'utf8')).trim();
    const seq = Number(text);
    if (!Number.isSafeInteger(seq) || seq < 0)
      throw new Error(`${PUBLISHED_SEQ_FILE} holds ${JSON.stringify(text)}, not a seq`);
    return seq;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** Write-then-rename, so a crash leaves either the old or the new number, never a torn one. */
async function writePublishedSeq(dir: string, seq: number): Promise<void> {
  const target = join(dir, PUBLISHED_SEQ_FILE);
  const temp = `${target}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${seq}\n`);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
}
