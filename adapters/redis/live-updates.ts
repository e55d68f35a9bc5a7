import type { Redis } from 'ioredis';

/**
 * The fast channel for DashboardUpdated: Redis pub/sub, one channel per user. Every API process hears
 * every channel through one pattern subscription (api/live/stream-hub.ts): its SSE streams and its
 * near cache both need them.
 */
export const liveChannel = (userId: string) => `dashboard-updated:${userId}`;

/**
 * Said on the user's live channel when their data is erased: every API process drops what its near
 * cache holds for them at once (it drops on any message of the channel) instead of serving it until
 * the entry expires. Streams are not told; there is no dashboard to show them.
 */
export const erasedNotice = (userId: string) => JSON.stringify({ type: 'DashboardErased', subject: userId });

export interface LiveUpdatePublisher {
  publish(userId: string, message: string): Promise<number>;
}

export function createLiveUpdatePublisher(redis: Redis): LiveUpdatePublisher {
  return {
    publish: (userId, message) => redis.publish(liveChannel(userId), message),
  };
}
