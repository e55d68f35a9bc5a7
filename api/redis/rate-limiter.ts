import type { Redis } from 'ioredis';

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the current window ends. */
  readonly resetSeconds: number;
}

/** Counts requests per key in fixed windows shared by every API process. */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
}

// KEYS[1] = counter; ARGV[1] = window ms. INCR and the expiry are one atomic step, so a crash between
// them can never leave a counter without an expiry (which would block the user forever).
const hitScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

export function createRedisRateLimiter(redis: Redis): RateLimiter {
  return {
    async hit(key, limit, windowMs) {
      // The window number is part of the key, so every process agrees on where a window starts.
      const window = Math.floor(Date.now() / windowMs);
      const result = (await redis.eval(hitScript, 1, `rl:${key}:${window}`, windowMs)) as [number, number];
      const [count, ttlMs] = result;
      return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
    },
  };
}
