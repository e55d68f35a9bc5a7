import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventProducer } from '../adapters/kafka/event-producer.js';
import type { CacheEntry } from '../adapters/redis/dashboard-cache.js';
import { MAX_VIEWS_PER_EVENT, SUPPORTED_SCHEMA_VERSION, type EventEnvelope } from '../dashboard/index.js';
import type { DashboardSource } from './metrics.js';
import type { OfferIdsOf } from './offer-ids.js';
import { createViewColumns, type ViewColumnsBuilder } from './view-columns.js';
import { withTimeout } from './with-timeout.js';

/** One dashboard served, as the read route saw it. */
export interface DashboardView {
  readonly userId: string;
  readonly platform: string;
  readonly appVersion: string;
  /** The capability profile key, e.g. "ios-v4". */
  readonly profile: string;
  readonly source: DashboardSource;
  /** From the handler's start to the answer. */
  readonly latencyMs: number;
  /** Answered 304. */
  readonly etagHit: boolean;
  /**
   * What was served: its offer ids are read by the flusher, so the request never pays for them. A reference
   * to the bytes the response sent (on a cache hit, the cache's own string), not a copy.
   */
  readonly served: Pick<CacheEntry, 'etag' | 'body'>;
}

/** Why a view never reached Kafka: no room while Kafka was slow, Kafka refused or did not answer, or shutdown. */
export type ViewDropReason = 'buffer_full' | 'send_failed' | 'closed';

/** Counts since the emitter started, read by /metrics when it is scraped. */
export interface ViewEventCounts {
  readonly sent: number;
  readonly dropped: Readonly<Record<ViewDropReason, number>>;
  readonly buffered: number;
}

export interface ViewEmitter {
  /** Takes the view or drops it; never waits. */
  emit(view: DashboardView): void;
  counts(): ViewEventCounts;
  /** Sends what is buffered within the close deadline; the rest is dropped and counted. */
  close(): Promise<void>;
}

export interface ViewEmitterDeps {
  readonly producer: Pick<EventProducer, 'publishMany'>;
  readonly topic: string;
  readonly offerIdsOf: OfferIdsOf;
  readonly logger: Pick<Logger, 'warn' | 'info'>;
  /** Views held while a send is under way or Kafka is slow; past it they are dropped. */
  readonly maxBuffered?: number;
  /** Views per produce request at most. */
  readonly batchSize?: number;
  /** How long a view waits for others to share its send, when fewer than a batch are buffered. */
  readonly flushIntervalMs?: number;
  /** How long one send may take before its batch is given up. */
  readonly sendTimeoutMs?: number;
  readonly closeDeadlineMs?: number;
  readonly now?: () => number;
}

/**
 * A DashboardViewed per read for analytics (shipped as DashboardViews of up to 100), published
 * without ever slowing a read. `emit` adds the view to the columns of the event being filled
 * (api/view-columns.ts), within a bound: when Kafka is slow the buffer fills and further views are
 * dropped and counted rather than held or waited for, since insights are statistics and a read is
 * what a customer waits on.
 * Behind it one flusher sends batches, one send at a time (a slow Kafka then costs one pending request,
 * not a pile of them), each given up after its timeout: a batch that failed is dropped, not retried,
 * so a Kafka outage never grows into a backlog that competes with reads once Kafka is back.
 */
export function createViewEmitter(deps: ViewEmitterDeps): ViewEmitter {
  const maxBuffered = deps.maxBuffered ?? 10_000;
  // Each produce request costs kafkajs about 1.4 ms of CPU whatever it holds (encoding, the socket write,
  // its request queue): at 500 views a request that was 2.7 µs a view, more than the rest of the emitter;
  // at 2,500 it is about 0.6 µs (bench/README.md, round 14). A request then holds about 100 KB, in messages
  // of MAX_VIEWS_PER_EVENT views each, far below Kafka's limits.
  const batchSize = deps.batchSize ?? 2_500;
  const flushIntervalMs = deps.flushIntervalMs ?? 200;
  const sendTimeoutMs = deps.sendTimeoutMs ?? 2_000;
  const closeDeadlineMs = deps.closeDeadlineMs ?? 3_000;
  const now = deps.now ?? Date.now;

  // Events being filled, oldest first; only the last one takes views.
  const buffer: ViewColumnsBuilder[] = [];
  let buffered = 0;
  // Plain numbers on the request path; prom-client reads them at scrape time (see metrics.ts).
  let sent = 0;
  const dropped: Record<ViewDropReason, number> = { buffer_full: 0, send_failed: 0, closed: 0 };
  let sending: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerIsImmediate = false;
  let closing: Promise<void> | undefined;
  // Logged once per outage, not once per dropped batch.
  let failing = false;

  // Kafka messages of up to MAX_VIEWS_PER_EVENT views each: kafkajs spends about 10 µs of CPU on every
  // message it encodes, more than a cache hit's own work, and far less on a longer one.
  const envelopeOf = (views: ViewColumnsBuilder): EventEnvelope => {
    const id = randomUUID();
    return {
      id,
      type: 'DashboardViews',
      source: 'dashboard-api',
      subject: id,
      time: new Date(now()).toISOString(),
      schemaVersion: SUPPORTED_SCHEMA_VERSION,
      data: views.payload(deps.offerIdsOf),
    };
  };

  /** The oldest events holding at most a batch of views (at least one event), and how many views that is. */
  const takeBatch = () => {
    let taken = 1;
    let views = buffer[0]?.size ?? 0;
    while (taken < buffer.length && views + buffer[taken]!.size <= batchSize) views += buffer[taken++]!.size;
    buffered -= views;
    return { batch: buffer.splice(0, taken), views };
  };

  /** Sends the oldest batch; never rejects, whatever Kafka does. */
  const sendBatch = async (): Promise<void> => {
    const { batch, views } = takeBatch();
    try {
      const events = batch.map(envelopeOf);
      // The producer has its own deadline; this one also covers a send that never settles at all.
      await withTimeout(deps.producer.publishMany(deps.topic, events), sendTimeoutMs, 'view events send');
      sent += views;
      if (failing) deps.logger.info('view events reach Kafka again');
      failing = false;
    } catch (error) {
      dropped.send_failed += views;
      if (!failing) deps.logger.warn({ err: error, dropped: views }, 'view events dropped: Kafka did not take them');
      failing = true;
    }
  };

  const flush = () => {
    timer = undefined;
    if (sending !== undefined || closing !== undefined || buffered === 0) return;
    sending = sendBatch().finally(() => {
      sending = undefined;
      // A full batch that waited for this send goes now, not after another timer turn.
      if (buffered >= batchSize) flush();
      else schedule();
    });
  };

  // At once when a batch is full, else after the interval; never while a send is under way, whose end
  // schedules the next one.
  const schedule = () => {
    if (sending !== undefined || closing !== undefined || buffered === 0) return;
    const full = buffered >= batchSize;
    if (timer !== undefined) {
      if (!full || timerIsImmediate) return;
      clearTimeout(timer);
    }
    timerIsImmediate = full;
    timer = setTimeout(flush, full ? 0 : flushIntervalMs);
    // The emitter never keeps a process alive: close() sends what is left.
    timer.unref();
  };

  const drainAndStop = async () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    let expired = false;
    const drain = async () => {
      if (sending !== undefined) await sending;
      while (buffered > 0 && !expired) await sendBatch();
    };
    await withTimeout(drain(), closeDeadlineMs, 'view events flush').catch(() => {
      expired = true;
    });
    dropped.closed += buffered;
    buffered = 0;
    buffer.length = 0;
  };

  return {
    emit(view) {
      if (closing !== undefined) {
        dropped.closed++;
        return;
      }
      if (buffered >= maxBuffered) {
        dropped.buffer_full++;
        return;
      }
      const at = now();
      let filling = buffer.at(-1);
      if (filling === undefined || filling.size >= MAX_VIEWS_PER_EVENT) buffer.push((filling = createViewColumns(at)));
      filling.add(view, at);
      buffered++;
      // Only the view that starts a batch and the one that fills it need the timer; the rest are a push.
      if (buffered === 1 || buffered === batchSize) schedule();
    },
    counts: () => ({ sent, dropped: { ...dropped }, buffered }),
    close: () => (closing ??= drainAndStop()),
  };
}
