import type { Redis } from 'ioredis';

/**
 * The fast channel for DashboardUpdated: Redis pub/sub, one channel per user, so every API process
 * holding that user's SSE streams hears it and no process hears other users' updates it doesn't need.
 */
export const liveChannel = (userId: string) => `dashboard-updated:${userId}`;

export interface LiveUpdatePublisher {
  publish(userId: string, message: string): Promise<number>;
}

export function createLiveUpdatePublisher(redis: Redis): LiveUpdatePublisher {
  return {
    publish: (userId, message) => redis.publish(liveChannel(userId), message),
  };
}
