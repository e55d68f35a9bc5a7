import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../adapters/redis/client.js';
import { createRedisRateLimiter, type RateLimiter } from '../../adapters/redis/rate-limiter.js';
import { loadConfig } from '../../config/index.js';
import { unique } from '../support/unique.js';

/**
 * The per-user limit shared by API processes through the real Redis. Each limiter stands for one
 * process (a client of its own); the background sync is slowed down so the test says when it happens.
 */
const config = loadConfig();
const clients = [createRedisClient(config.REDIS_URL), createRedisClient(config.REDIS_URL)];
const limiters: RateLimiter[] = [];
afterAll(async () => {
  for (const limiter of limiters) await limiter.close();
  for (const client of clients) client.disconnect();
});

const process = (n: 0 | 1) => {
  const limiter = createRedisRateLimiter(clients[n]!, { syncIntervalMs: 60_000 });
  limiters.push(limiter);
  return limiter;
};
const allowed = (limiter: RateLimiter, key: string, times: number) =>
  Array.from({ length: times }, () => limiter.hit(key, 10, 60_000).allowed);

describe('rate limit across API processes', () => {
  it('holds one budget per user across processes once they have synced; before that, at most what the other process took is let through', async () => {
    const [a, b] = [process(0), process(1)];
    const key = unique('user');
    expect(allowed(a, key, 6)).toEqual(Array(6).fill(true));
    await a.sync();
    // B has not heard of A's six yet: its first request goes through, and its sync brings A's count.
    expect(allowed(b, key, 1)).toEqual([true]);
    await b.sync();
    expect(allowed(b, key, 4)).toEqual([true, true, true, false]);
    await b.sync();
    // A learns of B's requests at its next sync: until then it counts only its own (the stated bound).
    expect(a.hit(key, 10, 60_000).remaining).toBe(3);
    await a.sync();
    expect(allowed(a, key, 1)).toEqual([false]);
    const decision = a.hit(key, 10, 60_000);
    expect(decision).toMatchObject({ allowed: false, limit: 10, remaining: 0 });
    expect(decision.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(decision.resetSeconds).toBeLessThanOrEqual(60);
    // The shared counter expires with its window.
    const window = Math.floor(Date.now() / 60_000);
    const ttl = await clients[0]!.pttl(`rl:${key}:${window}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('keeps limiting what each process sees while Redis is away, without waiting for it', async () => {
    const dead = createRedisClient('redis://127.0.0.1:1', { commandTimeoutMs: 300 });
    dead.on('error', () => undefined);
    const limiter = createRedisRateLimiter(dead, { syncIntervalMs: 50 });
    try {
      const key = unique('user');
      const started = Date.now();
      expect(Array.from({ length: 4 }, () => limiter.hit(key, 3, 60_000).allowed)).toEqual([true, true, true, false]);
      expect(Date.now() - started).toBeLessThan(100);
      await limiter.sync();
      expect(limiter.hit(key, 3, 60_000).allowed).toBe(false);
    } finally {
      await limiter.close();
      dead.disconnect();
    }
  });
});
