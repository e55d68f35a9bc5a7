import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { eventSchema } from '../../dashboard/index.js';
import { liveChannel } from '../../adapters/redis/live-updates.js';

/** The DashboardUpdated envelope the worker publishes on the user's live channel. */
export const DashboardUpdatedEvent = eventSchema('DashboardUpdated');
export type DashboardUpdatedEvent = z.infer<typeof DashboardUpdatedEvent>;

export interface LiveListener {
  onUpdate(event: DashboardUpdatedEvent): void;
  /** The process is shutting down: end the stream. */
  onClose(): void;
}

/** What the SSE route needs: a per-user subscription, and counts tests and /metrics can read. */
export interface LiveUpdates {
  /** Resolves once the subscription is active, so nothing published afterwards is missed. Returns the unsubscribe. */
  subscribe(userId: string, listener: LiveListener): Promise<() => void>;
  /** Open listeners (one per SSE stream) in this process. */
  listenerCount(): number;
  /** Redis channels this process is subscribed to (one per user with at least one open stream). */
  channelCount(): number;
  /** Ends every stream and unsubscribes; later subscribes fail. */
  close(): Promise<void>;
}

/**
 * Fan-out of DashboardUpdated to this process's SSE streams over ONE Redis subscriber connection.
 * A user's channel is subscribed when their first stream opens and unsubscribed when their last one
 * closes, so a process only hears the users it serves, and every process serving a user hears it
 * (which is what makes fan-out correct with several API processes).
 */
export function createStreamHub(subscriber: Redis, logger: Logger): LiveUpdates {
  const listeners = new Map<string, Set<LiveListener>>();
  const subscriptions = new Map<string, Promise<unknown>>();
  const userOfChannel = new Map<string, string>();
  let closed = false;

  subscriber.on('message', (channel: string, message: string) => {
    const userId = userOfChannel.get(channel);
    const audience = userId === undefined ? undefined : listeners.get(userId);
    if (userId === undefined || audience === undefined) return;
    const parsed = parseEvent(message);
    // The channel names the user, but a stream must never show another user's event, whatever was published.
    if (parsed === undefined || parsed.subject !== userId || parsed.data.userId !== userId) {
      logger.warn({ channel }, 'ignored a live update that is malformed or names another user');
      return;
    }
    for (const listener of [...audience]) {
      try {
        listener.onUpdate(parsed);
      } catch (error) {
        logger.warn({ err: error }, 'a live listener failed');
      }
    }
  });

  const remove = (userId: string, listener: LiveListener) => {
    const audience = listeners.get(userId);
    if (!audience?.delete(listener) || audience.size > 0) return;
    listeners.delete(userId);
    subscriptions.delete(userId);
    const channel = liveChannel(userId);
    userOfChannel.delete(channel);
    // Commands on one connection run in order, so a SUBSCRIBE for a new first stream sent after this
    // UNSUBSCRIBE leaves the channel subscribed, as it should be.
    subscriber.unsubscribe(channel).catch((error: unknown) => logger.warn({ err: error, channel }, 'unsubscribe failed'));
  };

  return {
    async subscribe(userId, listener) {
      if (closed) throw new Error('live updates are closed');
      let audience = listeners.get(userId);
      if (audience === undefined) {
        audience = new Set();
        listeners.set(userId, audience);
        const channel = liveChannel(userId);
        userOfChannel.set(channel, userId);
        subscriptions.set(userId, subscriber.subscribe(channel));
      }
      audience.add(listener);
      try {
        await subscriptions.get(userId);
      } catch (error) {
        remove(userId, listener);
        throw error;
      }
      let done = false;
      return () => {
        if (done) return;
        done = true;
        remove(userId, listener);
      };
    },

    listenerCount: () => [...listeners.values()].reduce((sum, audience) => sum + audience.size, 0),
    channelCount: () => listeners.size,

    async close() {
      closed = true;
      const all = [...listeners.entries()];
      for (const [userId, audience] of all) {
        for (const listener of [...audience]) {
          listener.onClose();
          remove(userId, listener);
        }
      }
    },
  };
}

function parseEvent(message: string): DashboardUpdatedEvent | undefined {
  try {
    const parsed = DashboardUpdatedEvent.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
