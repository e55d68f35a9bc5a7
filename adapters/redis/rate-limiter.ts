import type { Redis, Result } from 'ioredis';
import type { Logger } from 'pino';

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the current window ends. */
  readonly resetSeconds: number;
}

/**
 * Counts requests per key in fixed windows shared by every API process. A decision is made in
 * process, without waiting for Redis: each process counts its own requests at once and adds them to
 * the shared counter in Redis in the background, learning the other processes' counts from the reply.
 * The bound this gives: another process's requests are seen at most one sync interval (plus a Redis
 * round trip) late, so a user can exceed the limit by what they send to the *other* processes in
 * that time. While Redis is away every process still enforces the limit on what it sees itself.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): RateLimitDecision;
  /** Sends what was counted since the last sync; resolves when Redis answered (or refused). */
  sync(): Promise<void>;
  /** Stops the background sync after a last one. */
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  /** How often counts go to Redis: the bound on how late other processes' requests are seen. */
  readonly syncIntervalMs?: number;
  readonly logger?: Logger;
}

// KEYS[1] = counter; ARGV[1] = this process's new requests, ARGV[2] = window ms. The increment and the
// expiry are one atomic step, so a crash between them can never leave a counter without an expiry.
const addScript = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return count`;

interface Counter {
  readonly window: number;
  readonly windowMs: number;
  /** Requests of every process as Redis last reported them (ours included, as far as sent). */
  shared: number;
  /** Our requests not yet sent to Redis. */
  unsent: number;
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    addToRateCounter(key: string, requests: number, windowMs: number): Result<number, Context>;
  }
}

export function createRedisRateLimiter(redis: Redis, options: RateLimiterOptions = {}): RateLimiter {
  // Sent by its SHA (EVALSHA, the script loaded once per connection) rather than in full every time.
  redis.defineCommand('addToRateCounter', { numberOfKeys: 1, lua: addScript });
  const counters = new Map<string, Counter>();
  let syncing: Promise<void> | undefined;

  const sync = () =>
    (syncing ??= (async () => {
      const now = Date.now();
      const due: [string, Counter, number][] = [];
      for (const [key, counter] of counters) {
        // A window that has ended counts for nothing any more.
        if ((counter.window + 1) * counter.windowMs <= now) counters.delete(key);
        else if (counter.unsent > 0) due.push([key, counter, counter.unsent]);
      }
      if (due.length === 0) return;
      const pipeline = redis.pipeline();
      for (const [key, counter, sent] of due)
        pipeline.addToRateCounter(`rl:${key}:${counter.window}`, sent, counter.windowMs);
      try {
        const replies = (await pipeline.exec()) ?? [];
        due.forEach(([, counter, sent], i) => {
          const [error, count] = replies[i] ?? [new Error('no reply')];
          if (error) return;
          counter.unsent -= sent;
          counter.shared = Number(count);
        });
      } catch (error) {
        options.logger?.warn({ err: error }, 'rate limit counts not shared; each process limits what it sees');
      }
    })().finally(() => (syncing = undefined)));

  const timer = setInterval(() => void sync(), options.syncIntervalMs ?? 100);
  timer.unref();

  return {
    hit(key, limit, windowMs) {
      const now = Date.now();
      // The window number is part of the key, so every process agrees on where a window starts.
      const window = Math.floor(now / windowMs);
      let counter = counters.get(key);
      if (counter === undefined || counter.window !== window) {
        counter = { window, windowMs, shared: 0, unsent: 0 };
        counters.set(key, counter);
      }
      counter.unsent++;
      const count = counter.shared + counter.unsent;
      const resetSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
      return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds };
    },
    sync,
    async close() {
      clearInterval(timer);
      await sync();
    },
  };
}
