import { createRedisClient } from '../../adapters/redis/client.js';
import { liveChannel } from '../../adapters/redis/live-updates.js';
import type { Config } from '../../config/index.js';

/**
 * Every DashboardUpdated the platform announces, heard on the users' live channels (Redis pub/sub,
 * the channel the API's SSE streams listen to): per user, how many arrived and when the first did.
 */
export interface UpdateWatch {
  /** Updates heard for the user since the watch started or the user was last forgotten. */
  count(userId: string): number;
  /** performance.now() when the first of those arrived. */
  firstAt(userId: string): number | undefined;
  forget(userIds: readonly string[]): void;
  close(): void;
}

export async function watchUpdates(config: Config): Promise<UpdateWatch> {
  const redis = createRedisClient(config.REDIS_URL);
  const prefix = liveChannel('');
  const seen = new Map<string, { count: number; firstAt: number }>();
  redis.on('pmessage', (_pattern: string, channel: string) => {
    const userId = channel.slice(prefix.length);
    const entry = seen.get(userId);
    if (entry) entry.count++;
    else seen.set(userId, { count: 1, firstAt: performance.now() });
  });
  await redis.psubscribe(`${prefix}*`);
  return {
    count: (userId) => seen.get(userId)?.count ?? 0,
    firstAt: (userId) => seen.get(userId)?.firstAt,
    forget(userIds) {
      for (const userId of userIds) seen.delete(userId);
    },
    close: () => redis.disconnect(),
  };
}
