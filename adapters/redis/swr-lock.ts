import type { Redis } from 'ioredis';

/** A lease that at most one holder across all API processes gets per key until it expires. */
export interface SingleFlightLock {
  /** `true` for exactly one caller per key and lease period. */
  tryAcquire(key: string, leaseMs: number): Promise<boolean>;
}

export function createRedisLock(redis: Redis): SingleFlightLock {
  return {
    async tryAcquire(key, leaseMs) {
      // Never released early: the lease doubles as "a refresh was asked for recently", so a burst of
      // stale reads right after the rebuild was requested does not ask again.
      return (await redis.set(key, '1', 'PX', leaseMs, 'NX')) === 'OK';
    },
  };
}
