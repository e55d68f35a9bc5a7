import type { Redis } from 'ioredis';

/**
 * The fast channel for DashboardUpdated: Redis pub/sub, one channel per user. Every API process hears
 * every channel through one pattern subscription (api/live/stream-hub.ts): its SSE streams and its
 * near cache both need them.
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
