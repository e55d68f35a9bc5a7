import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { BridgeMetrics } from './metrics.js';

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 200, maxMs: 10_000 };

// gRPC status names (a stable part of the gRPC spec), so logs and metrics say UNAVAILABLE, not 14.
const GRPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/**
 * A short code for a failure: the gRPC status of a Temporal call (the SDK wraps it in `cause`), the
 * kafkajs error type, or the error's name.
 */
export function failureCode(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code: unknown = (e as { code?: unknown }).code;
    if (typeof code === 'number' && GRPC_CODES[code]) return GRPC_CODES[code];
    const type: unknown = (e as { type?: unknown }).type;
    if (typeof type === 'string' && e.name.startsWith('KafkaJS')) return type;
  }
  return error instanceof Error ? error.name : 'UNKNOWN';
}

/**
 * Whether Temporal refused a start for good: the request itself is invalid, so no retry can succeed.
 * Anything else (unavailable, overloaded, timed out, even an unknown namespace, which is a deployment
 * to fix) is waited out.
 */
export const isPermanentRejection = (error: unknown) => failureCode(error) === 'INVALID_ARGUMENT';

export const failureMessage = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * Whether the bridge is waiting on a dependency. Several partitions can be retrying at once; the bridge
 * is paused while any of them is, and the log says so once when that starts and once when it ends
 * (not once per attempt, which would flood the log during an outage).
 */
export class PauseTracker {
  private readonly failing = new Set<symbol>();
  private since: number | undefined;
  private last: { code: string; message: string } | undefined;

  constructor(
    private readonly metrics: Pick<BridgeMetrics, 'paused'>,
    private readonly logger: Logger,
  ) {}

  failed(operation: symbol, what: string, error: unknown): void {
    this.last = { code: failureCode(error), message: failureMessage(error) };
    this.failing.add(operation);
    if (this.since !== undefined) return;
    this.since = Date.now();
    this.metrics.paused.set(1);
    this.logger.warn(
      { what, ...this.last },
      'paused: a dependency refuses work; retrying with backoff, no offset moves past it',
    );
  }

  /** `accepted` false: the bridge stopped waiting (shutdown or revoked partition), not a recovery. */
  settled(operation: symbol, accepted: boolean): void {
    if (!this.failing.delete(operation) || this.failing.size > 0 || this.since === undefined) return;
    if (accepted) this.logger.info({ pausedMs: Date.now() - this.since }, 'resumed: the dependency accepts work again');
    this.since = undefined;
    this.metrics.paused.set(0);
  }

  get state(): { paused: boolean; pausedSince?: string; lastFailure?: { code: string; message: string } } {
    return {
      paused: this.since !== undefined,
      ...(this.since !== undefined ? { pausedSince: new Date(this.since).toISOString() } : {}),
      ...(this.last ? { lastFailure: this.last } : {}),
    };
  }
}

export interface RetryContext {
  readonly backoff: Backoff;
  readonly tracker: PauseTracker;
  readonly metrics: Pick<BridgeMetrics, 'retries'>;
  /** False once the consumer stops or the partition was taken away: give up, leave the offset uncommitted. */
  keepGoing(): boolean;
  /** Keeps the consumer's group membership alive while it waits, so a pause never causes a rebalance. */
  heartbeat(): Promise<void>;
  /** Aborted on shutdown, to cut a backoff sleep short. */
  readonly signal: AbortSignal;
}

/**
 * Runs `attempt` until it succeeds: nothing is ever skipped. Exponential backoff with jitter between
 * attempts (200 ms doubling to 10 s by default). Resolves false only when the bridge is stopping or the
 * partition was revoked; the caller then leaves the message uncommitted for the next owner.
 * Our own loop rather than cockatiel's retry policy (a dependency elsewhere): its backoff delay does not
 * end when the execution's signal aborts (RetryPolicy.execute awaits the whole delay), so a stopping
 * bridge would hold its partitions up to 10 s longer, and it has no place to heartbeat the consumer
 * group before each wait.
 */
export async function retryUntilAccepted(
  operation: 'trigger' | 'dead-letter' | 'store',
  what: string,
  attempt: () => Promise<void>,
  ctx: RetryContext,
): Promise<boolean> {
  const id = Symbol(what);
  let delayMs = ctx.backoff.initialMs;
  let accepted = false;
  try {
    for (;;) {
      if (!ctx.keepGoing()) return false;
      try {
        await attempt();
        accepted = true;
        return true;
      } catch (error) {
        ctx.metrics.retries.inc({ operation, code: failureCode(error) });
        ctx.tracker.failed(id, what, error);
      }
      if (!ctx.keepGoing()) return false;
      await ctx.heartbeat();
      try {
        await sleep(delayMs * (0.8 + Math.random() * 0.4), undefined, { signal: ctx.signal });
      } catch {
        return false; // aborted: the bridge is stopping
      }
      delayMs = Math.min(delayMs * 2, ctx.backoff.maxMs);
    }
  } finally {
    ctx.tracker.settled(id, accepted);
  }
}
