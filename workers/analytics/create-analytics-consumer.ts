import { Partitioners, type EachBatchPayload, type Kafka, type Message } from 'kafkajs';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import type { AnalyticsStore } from '../../adapters/postgres/analytics-store.js';
import { deadLetterMessage, sendDeadLetters } from '../bridge/dead-letter.js';
import { decodeMessage, type Decision } from '../bridge/decode.js';
import { DEFAULT_BACKOFF, PauseTracker, retryUntilAccepted, type RetryContext } from '../bridge/retry.js';
import type { UserKeyStore } from '../../adapters/cassandra/user-key-store.js';
import type { DomainEvent } from '../../dashboard/index.js';
import { openSealed, rawEventsOf } from './raw-events.js';
import { MAX_OUT_OF_GROUP_MS, watchGroupMembership } from '../group-watchdog.js';

/**
 * The analytics consumer: every event the platform sees or makes, stored as a raw event in the
 * analytics store, in a consumer group of its own (the bridge and the serving path never wait on it).
 * Exactly once in effect: a batch's events are inserted by id (a redelivered event is stored once),
 * and its offsets are committed only after the store and, for malformed messages, the dead-letter
 * topic accepted them. While the store is away the consumer waits and retries; nothing is skipped.
 */
export interface AnalyticsConsumerDeps {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly deadLetterTopic: string;
  readonly store: Pick<AnalyticsStore, 'insertEvents'>;
  /** The users' keys, to open what events carry sealed. */
  readonly keys: Pick<UserKeyStore, 'find'>;
  readonly logger: Logger;
  readonly registry?: Registry;
  /**
   * Where a group without committed positions starts: the beginning (every retained event counts), or,
   * for a test's group that must not read what other tests left, the end.
   */
  readonly fromBeginning?: boolean;
  /** Called when the consumer crashed and is not back in its group in bounded time (group-watchdog.ts). */
  readonly onStuck?: (reason: string) => void;
}

export interface AnalyticsConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): { joined: boolean; paused: boolean; lastFailure?: { code: string; message: string } };
}

function createMetrics(registry: Registry) {
  const registers = [registry];
  return {
    stored: new Counter({
      name: 'analytics_events_stored_total',
      help: 'Events stored for the first time',
      registers,
    }),
    duplicates: new Counter({
      name: 'analytics_events_duplicate_total',
      help: 'Events delivered again (same id) and not stored twice',
      registers,
    }),
    skipped: new Counter({
      name: 'analytics_events_skipped_total',
      help: 'Valid envelopes of a type or payload version this code does not know',
      labelNames: ['reason'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'analytics_messages_dead_lettered_total',
      help: 'Malformed messages written to the dead-letter topic',
      labelNames: ['topic', 'code'],
      registers,
    }),
    retries: new Counter({
      name: 'analytics_retries_total',
      help: 'Failed attempts that will be retried (store insert or dead-letter write)',
      labelNames: ['operation', 'code'],
      registers,
    }),
    paused: new Gauge({
      name: 'analytics_paused',
      help: '1 while the consumer waits for the analytics store or Kafka to accept work again',
      registers,
    }),
  };
}

export function createAnalyticsConsumer(deps: AnalyticsConsumerDeps): AnalyticsConsumer {
  const { kafka, logger } = deps;
  const metrics = createMetrics(deps.registry ?? new Registry());
  const tracker = new PauseTracker(metrics, logger);
  const stopping = new AbortController();
  let joined = false;
  const consumer = kafka.consumer({ groupId: deps.groupId, allowAutoTopicCreation: false, sessionTimeout: 30_000 });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    logger.error({ err: payload.error, restart: payload.restart }, 'analytics consumer crashed');
  });
  const { onStuck } = deps;
  const watchdog = onStuck && watchGroupMembership(consumer, { maxOutOfGroupMs: MAX_OUT_OF_GROUP_MS, onStuck });

  async function handleBatch({
    batch,
    heartbeat,
    isRunning,
    isStale,
    resolveOffset,
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    const last = messages.at(-1);
    if (last === undefined) return;
    const ctx: RetryContext = {
      backoff: DEFAULT_BACKOFF,
      tracker,
      metrics,
      keepGoing: () => isRunning() && !isStale() && !stopping.signal.aborted,
      heartbeat,
      signal: stopping.signal,
    };
    const events: DomainEvent[] = [];
    const dead: { letter: Message; deadLetter: Extract<Decision, { action: 'dead-letter' }> }[] = [];
    const now = new Date();
    for (const message of messages) {
      const decoded = decodeMessage(message.value);
      if (!decoded.ok) {
        const letter = deadLetterMessage(message, { topic, partition }, decoded.deadLetter, now);
        dead.push({ letter, deadLetter: decoded.deadLetter });
        continue;
      }
      const { parsed } = decoded;
      if (!parsed.known) {
        metrics.skipped.inc({ reason: parsed.reason });
        continue;
      }
      events.push(parsed.event);
    }

    let erased = 0;
    const stored = await retryUntilAccepted(
      'store',
      `${events.length} events from ${topic}/${partition}`,
      async () => {
        const opened = await Promise.all(events.map((event) => openSealed(event, deps.keys)));
        const raw = opened.flatMap((event) => (event ? rawEventsOf(event) : []));
        erased = opened.filter((event) => event === undefined).length;
        const inserted = await deps.store.insertEvents(raw);
        metrics.stored.inc(inserted);
        metrics.duplicates.inc(raw.length - inserted);
      },
      ctx,
    );
    if (!stored) return;
    metrics.skipped.inc({ reason: 'erased' }, erased);
    if (dead.length > 0) {
      const written = await sendDeadLetters(
        producer,
        { deadLetterTopic: deps.deadLetterTopic, timeoutMs: 10_000 },
        { topic, partition },
        dead.map((d) => d.letter),
        ctx,
      );
      if (!written) return;
      for (const d of dead) {
        metrics.deadLettered.inc({ topic, code: d.deadLetter.code });
        logger.warn(
          { topic, partition, code: d.deadLetter.code, reason: d.deadLetter.reason },
          'dead-lettered a message',
        );
      }
    }
    resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
  }

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [...deps.topics], fromBeginning: deps.fromBeginning ?? true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 6,
        eachBatch: handleBatch,
      });
    },
    async stop() {
      watchdog?.stop();
      stopping.abort();
      await consumer.disconnect();
      await producer.disconnect();
    },
    health() {
      const state = tracker.state;
      return { joined, paused: state.paused, ...(state.lastFailure ? { lastFailure: state.lastFailure } : {}) };
    },
  };
}
