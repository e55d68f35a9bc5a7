import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { eventSchema } from '../../dashboard/index.js';
import { erasedNotice, liveChannel } from '../../adapters/redis/live-updates.js';
import { SpanKind, contextOf, tracer } from '../../adapters/telemetry/trace-context.js';

/** The DashboardUpdated envelope the worker publishes on the user's live channel. */
export const DashboardUpdatedEvent = eventSchema('DashboardUpdated');
export type DashboardUpdatedEvent = z.infer<typeof DashboardUpdatedEvent>;

export interface LiveListener {
  onUpdate(event: DashboardUpdatedEvent): void;
  /** The process is shutting down: end the stream. */
  onClose(): void;
}

/** What the process hears of every user's updates: what the near cache keeps itself correct by. */
export interface UpdateFeed {
  /** Called with the user of every update as it arrives, before any parsing. */
  onUpdateOf(listener: (userId: string) => void): void;
  /** Whether updates are heard right now (subscribed, connection up). */
  hearing(): boolean;
  /** Called when updates may have been missed (the subscriber connection closed). */
  onDeaf(listener: () => void): void;
}

/** What the SSE route needs: a per-user subscription, and counts tests and /metrics can read. */
export interface LiveUpdates extends UpdateFeed {
  /** Resolves once updates are heard, so nothing published afterwards is missed. Returns the unsubscribe. */
  subscribe(userId: string, listener: LiveListener): Promise<() => void>;
  /** Open listeners (one per SSE stream) in this process. */
  listenerCount(): number;
  /** Users with at least one open stream in this process. */
  channelCount(): number;
  /** Ends every stream and unsubscribes; later subscribes fail. */
  close(): Promise<void>;
}

const PREFIX = liveChannel('');
const PATTERN = `${PREFIX}*`;

/**
 * Fan-out of DashboardUpdated over ONE Redis subscriber connection and ONE pattern subscription:
 * every process hears every user's updates (small messages, one per build), which its near cache
 * needs anyway, and an SSE stream opening or closing costs no Redis command. A message is parsed only
 * when the user has a stream here.
 */
export function createStreamHub(subscriber: Redis, logger: Logger): LiveUpdates {
  const listeners = new Map<string, Set<LiveListener>>();
  const updateListeners: ((userId: string) => void)[] = [];
  const deafListeners: (() => void)[] = [];
  let closed = false;
  let hearing = false;
  let subscribed: Promise<unknown> = Promise.resolve();

  // After a reconnect ioredis subscribes again by itself but does not say when that is done; asking
  // once more on the same connection answers after it, since commands on one connection run in order.
  const subscribe = () => {
    subscribed = subscriber.psubscribe(PATTERN).then(() => {
      if (subscriber.status === 'ready') hearing = true;
    });
    subscribed.catch((error: unknown) => logger.warn({ err: error }, 'live updates not subscribed'));
    return subscribed;
  };
  void subscribe();
  let connectedOnce = false;
  subscriber.on('ready', () => {
    if (connectedOnce && !closed) void subscribe();
    connectedOnce = true;
  });
  subscriber.on('close', () => {
    if (!hearing) return;
    hearing = false;
    for (const listener of deafListeners) listener();
  });

  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
    const userId = channel.slice(PREFIX.length);
    for (const listener of updateListeners) listener(userId);
    const audience = listeners.get(userId);
    if (audience === undefined || message === erasedNotice(userId)) return;
    const parsed = parseEvent(message);
    // The channel names the user, but a stream must never show another user's event, whatever was published.
    if (parsed === undefined || parsed.subject !== userId || parsed.data.userId !== userId) {
      logger.warn({ channel }, 'ignored a live update that is malformed or names another user');
      return;
    }
    // The push ends the trace that began with the change behind this update.
    const span = tracer.startSpan(
      'api: push DashboardUpdated',
      { kind: SpanKind.CONSUMER, attributes: { 'user.id': userId, 'dashboard.streams': audience.size } },
      contextOf(parsed),
    );
    for (const listener of [...audience]) {
      try {
        listener.onUpdate(parsed);
      } catch (error) {
        logger.warn({ err: error }, 'a live listener failed');
      }
    }
    span.end();
  });

  const remove = (userId: string, listener: LiveListener) => {
    const audience = listeners.get(userId);
    if (!audience?.delete(listener) || audience.size > 0) return;
    listeners.delete(userId);
  };

  return {
    async subscribe(userId, listener) {
      if (closed) throw new Error('live updates are closed');
      let audience = listeners.get(userId);
      if (audience === undefined) {
        audience = new Set();
        listeners.set(userId, audience);
      }
      audience.add(listener);
      try {
        await (hearing ? subscribed : subscribe());
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

    onUpdateOf: (listener) => void updateListeners.push(listener),
    hearing: () => hearing,
    onDeaf: (listener) => void deafListeners.push(listener),
    listenerCount: () => [...listeners.values()].reduce((sum, audience) => sum + audience.size, 0),
    channelCount: () => listeners.size,

    async close() {
      closed = true;
      hearing = false;
      for (const [userId, audience] of [...listeners.entries()]) {
        for (const listener of [...audience]) {
          listener.onClose();
          remove(userId, listener);
        }
      }
      await subscriber.punsubscribe(PATTERN).catch(() => undefined);
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
