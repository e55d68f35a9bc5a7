import { Redis } from 'ioredis';

/** A Redis client with bounded waits: commands fail fast while disconnected instead of queueing forever. */
export function createRedisClient(url: string, options: { commandTimeoutMs?: number } = {}): Redis {
  return new Redis(url, {
    connectTimeout: 3_000,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    // Reconnect forever, but never wait more than 2 s between tries.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
}
