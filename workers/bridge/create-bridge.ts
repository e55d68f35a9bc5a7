import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '@opentelemetry/api';
import { Partitioners, type EachBatchPayload, type Kafka, type KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { SpanKind, carrierOf, contextOfKafkaHeaders, tracer } from '../../adapters/telemetry/trace-context.js';
import { deadLetterMessage, sendDeadLetters } from './dead-letter.js';
import { deadLetter, decideMessage, type Decision } from './decode.js';
import { watchLag } from './lag.js';
import { createCommitQueue, handledPrefix, type BatchOutcome, type OffsetToCommit } from './commit-queue.js';
import { commitStartingPositions } from './starting-positions.js';
import { createBridgeMetrics, type BridgeMetrics } from './metrics.js';
import {
  DEFAULT_BACKOFF,
  PauseTracker,
  failureMessage,
  isPermanentRejection,
  retryUntilAccepted,
  type Backoff,
  type RetryContext,
} from './retry.js';
import { addTrigger, createTriggerBatcher, type StartedRebuilds, type UserTrigger } from './trigger-batcher.js';
import { MAX_OUT_OF_GROUP_MS, watchGroupMembership } from '../group-watchdog.js';

/**
 * The bridge: a Kafka consumer group over the domain and preference topics that turns events into
 * rebuild triggers. At-least-once by construction:
 * - an offset is committed only after everything up to it was handled: Temporal accepted the user's
 *   trigger, the malformed message (or one whose rebuild Temporal refuses for good) is on the
 *   dead-letter topic, or the event was skipped on purpose;
 * - a failing Temporal (or Kafka, for dead letters) is retried with backoff for as long as it takes,
 *   while the bridge heartbeats so the group does not rebalance; nothing is skipped;
 * - a batch coalesces by user, and batches of all partitions coalesce further into few rebuildBatch
 *   workflows (trigger-batcher.ts): a rebuild reads the current truth, so one per user is enough.
 * Partitions are independent (a user's events live on one partition), so they run concurrently.
 */
export interface BridgeDeps {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly deadLetterTopic: string;
  /**
   * Starts rebuildBatch workflows covering these users (settles within its own deadline); `finished` when they are
   * done.
   */
  readonly startRebuilds: (users: UserTrigger[]) => Promise<StartedRebuilds>;
  readonly logger: Logger;
  readonly registry?: Registry;
  readonly options?: BridgeOptions;
  /** Called when the consumer crashed and is not back in its group in bounded time (group-watchdog.ts). */
  readonly onStuck?: (reason: string) => void;
}

export interface BridgeOptions {
  /**
   * Where a group without committed positions starts (default: the beginning, which tests on private
   * topics rely on). The bridge process passes false (see workers/bridge.ts for why): the end of every
   * partition is then committed before the group first joins (starting-positions.ts), so nothing that
   * arrives after that is ever skipped.
   */
  readonly fromBeginning?: boolean;
  readonly partitionsConsumedConcurrently?: number;
  /** Started batches not yet finished at once; what arrives meanwhile joins the next start. */
  readonly batchesInFlight?: number;
  /** Batches of a partition read on past before its oldest is done; past it the partition waits. */
  readonly batchesPendingPerPartition?: number;
  readonly backoff?: Backoff;
  readonly lagIntervalMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** How long stop() waits for the in-flight batches before disconnecting anyway. */
  readonly stopDeadlineMs?: number;
  /** Deadline of one dead-letter write. */
  readonly deadLetterTimeoutMs?: number;
}

export type BridgeState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface BridgeHealth {
  readonly state: BridgeState;
  /** Whether the consumer holds a group assignment. */
  readonly joined: boolean;
  readonly paused: boolean;
  readonly pausedSince?: string;
  readonly lastFailure?: { code: string; message: string };
}

export interface Bridge {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): BridgeHealth;
  readonly metrics: BridgeMetrics;
}

export function createBridge(deps: BridgeDeps): Bridge {
  const { kafka, groupId, logger } = deps;
  const settings = {
    fromBeginning: true,
    // Every partition at once: a batch waiting for a free slot (trigger-batcher.ts) must not hold up the others.
    partitionsConsumedConcurrently: 32,
    batchesInFlight: 4,
    batchesPendingPerPartition: 8,
    backoff: DEFAULT_BACKOFF,
    lagIntervalMs: 5_000,
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
    stopDeadlineMs: 15_000,
    deadLetterTimeoutMs: 10_000,
    ...deps.options,
  };
  const metrics = createBridgeMetrics(deps.registry);
  const batcher = createTriggerBatcher(deps.startRebuilds, { maxInFlight: settings.batchesInFlight });
  const tracker = new PauseTracker(metrics, logger);
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    // The broker answers a fetch once it holds this much, or after the wait: without it (1 byte), a bridge
    // that reads on at once fetches for every few messages, and those fetches cost more CPU than they save time.
    minBytes: 64 * 1024,
    maxWaitTimeInMs: 25,
  });
  // Dead letters keep their original key; the default partitioner keeps a user's letters together.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin = kafka.admin();
  const stopping = new AbortController();
  // Every retrying trigger (lanes x partitions) listens for the stop; that is not a leak.
  setMaxListeners(0, stopping.signal);
  const commits = createCommitQueue({
    commit,
    // Only while the bridge runs on: after a stop the next owner reads from the committed offset anyway.
    rewind: (topic, partition, offset) => {
      if (!stopping.signal.aborted) consumer.seek({ topic, partition, offset });
    },
    onWorkError: (error, topic, partition) => logger.error({ err: error, topic, partition }, 'batch failed'),
  });
  let state: BridgeState = 'created';
  let joined = false;
  let stopLag: (() => Promise<void>) | undefined;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    // A new generation reads on from the committed offsets; what was pending is read and triggered again.
    commits.reset();
    logger.info({ groupId, assignment: payload.memberAssignment }, 'joined the consumer group');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    if (!payload.restart) state = 'crashed';
    logger.error(
      { err: payload.error, restart: payload.restart },
      payload.restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed for good',
    );
  });
  const { onStuck } = deps;
  const watchdog = onStuck && watchGroupMembership(consumer, { maxOutOfGroupMs: MAX_OUT_OF_GROUP_MS, onStuck });

  /**
   * Reads on at once: the batch's work (its triggers and dead letters) runs in the background, and its
   * offset is committed once that work and the partition's earlier batches are done (commit-queue.ts).
   * Waiting here for Temporal's acceptance would hold every partition: kafkajs fetches from a broker
   * again only once every batch of its last fetch was handled. While too many of a partition's batches
   * are pending, the partition waits for its oldest, so a slow Temporal bounds what the bridge holds.
   */
  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, resolveOffset } = payload;
    const { topic, partition, messages } = batch;
    const first = messages[0];
    if (first === undefined || stopping.signal.aborted) return;
    metrics.consumed.inc({ topic }, messages.length);
    commits.track(topic, partition, first.offset, (current) => handleMessages(payload, current));
    resolveOffset(batch.lastOffset());
    while (commits.pending(topic, partition) > settings.batchesPendingPerPartition) {
      await Promise.race([commits.oldest(topic, partition), sleep(settings.heartbeatIntervalMs)]);
      await heartbeat(); // a rebalance in progress throws here, and kafkajs rejoins
    }
  }

  /** Triggers the batch's rebuilds and writes its dead letters; says how far the batch got. */
  async function handleMessages(payload: EachBatchPayload, current: () => boolean): Promise<BatchOutcome> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const { topic, partition, messages } = batch;
    const decisions = messages.map((m) => decideMessage(m.value));
    const handled = messages.map(() => false);
    const ctx: RetryContext = {
      backoff: settings.backoff,
      tracker,
      metrics,
      keepGoing: () => current() && isRunning() && !isStale() && !stopping.signal.aborted,
      // The fetch loop notices a rebalance itself; this only keeps the membership alive during a long pause.
      heartbeat: () => heartbeat().catch(() => undefined),
      signal: stopping.signal,
    };
    decisions.forEach((d, i) => {
      if (d.action !== 'skip') return;
      metrics.skipped.inc({ topic, reason: d.reason });
      handled[i] = true;
    });
    await triggerRebuilds(topic, messages, decisions, handled, ctx);
    await writeDeadLetters(topic, partition, messages, decisions, handled, ctx);
    return handledPrefix(messages, handled);
  }

  async function writeDeadLetters(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    decisions: Decision[],
    handled: boolean[],
    ctx: RetryContext,
  ): Promise<void> {
    const dead = decisions.flatMap((d, i) => (d.action === 'dead-letter' ? [{ d, i }] : []));
    if (dead.length === 0) return;
    const now = new Date();
    const letters = dead.map(({ d, i }) =>
      deadLetterMessage(messages[i] as KafkaMessage, { topic, partition }, d, now),
    );
    const written = await sendDeadLetters(
      producer,
      { deadLetterTopic: deps.deadLetterTopic, timeoutMs: settings.deadLetterTimeoutMs },
      { topic, partition },
      letters,
      ctx,
    );
    if (!written) return;
    for (const { d, i } of dead) {
      handled[i] = true;
      metrics.deadLettered.inc({ topic, code: d.code });
      logger.warn(
        { topic, partition, offset: messages[i]?.offset, code: d.code, reason: d.reason },
        'dead-lettered a message',
      );
    }
  }

  /**
   * Starts rebuilds for the batch's users. A user whose start Temporal refuses for good (see
   * isPermanentRejection) has its messages turned into dead letters, so one bad user never stalls a
   * partition; everything else is retried until Temporal accepts it.
   */
  async function triggerRebuilds(
    topic: string,
    messages: KafkaMessage[],
    decisions: Decision[],
    handled: boolean[],
    ctx: RetryContext,
  ): Promise<void> {
    // One trigger per user in the batch; the messages it covers are handled together. The trace of
    // each user's first message (its Kafka headers) continues here, and the rebuild continues this span.
    const users = new Map<string, UserTrigger>();
    const spans = new Map<string, Span>();
    decisions.forEach((d, i) => {
      if (d.action !== 'trigger') return;
      let span = spans.get(d.userId);
      if (span === undefined) {
        span = tracer.startSpan(
          'bridge: trigger rebuild',
          { kind: SpanKind.CONSUMER, attributes: { 'user.id': d.userId, 'messaging.destination.name': topic } },
          contextOfKafkaHeaders(messages[i]?.headers),
        );
        spans.set(d.userId, span);
      }
      addTrigger(users, { userId: d.userId, trigger: d.trigger, since: d.since, ...carrierOf(span) });
    });
    if (users.size === 0) return;
    const batch = [...users.values()];
    let rejected = new Map<string, string>();
    const accepted = await retryUntilAccepted(
      'trigger',
      `rebuild triggers of ${batch.length} users`,
      async () => {
        rejected = await startTriggers(batch);
      },
      ctx,
    ).finally(() => spans.forEach((span) => span.end()));
    if (!accepted) return;
    decisions.forEach((d, i) => {
      if (d.action !== 'trigger') return;
      const reason = rejected.get(d.userId);
      if (reason === undefined) handled[i] = true;
      else decisions[i] = deadLetter('TEMPORAL_REJECTED', `Temporal refused the rebuild of ${d.userId}: ${reason}`);
    });
    for (const { userId, trigger } of batch) if (!rejected.has(userId)) metrics.triggered.inc({ trigger });
  }

  /**
   * Submits the users with everyone else's (trigger-batcher.ts). If Temporal refuses that start for
   * good, the bad user may be in another partition's part of it, so each user is started alone:
   * returns the users refused for good, with the reason; throws what is worth retrying.
   */
  async function startTriggers(batch: UserTrigger[]): Promise<Map<string, string>> {
    const rejected = new Map<string, string>();
    try {
      await batcher.submit(batch);
      return rejected;
    } catch (error) {
      if (!isPermanentRejection(error)) throw error;
    }
    for (const user of batch) {
      try {
        await deps.startRebuilds([user]);
      } catch (error) {
        if (!isPermanentRejection(error)) throw error;
        rejected.set(user.userId, failureMessage(error));
      }
    }
    return rejected;
  }

  async function commit(offsets: OffsetToCommit[]): Promise<void> {
    try {
      await consumer.commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
      for (const { topic, messages } of offsets) metrics.committed.inc({ topic }, messages);
    } catch (error) {
      // Not fatal: the next commit covers it, or the next owner re-reads and re-triggers (idempotent).
      logger.warn({ err: error, offsets }, 'offset commit failed');
    }
  }

  return {
    metrics,
    health() {
      return { state, joined, ...tracker.state };
    },

    async start() {
      state = 'starting';
      await Promise.all([producer.connect(), admin.connect(), consumer.connect()]);
      if (!settings.fromBeginning) await commitStartingPositions(admin, groupId, deps.topics, logger);
      // A partition that still has no position is read from its start: a repeated rebuild, never a skipped event.
      await consumer.subscribe({ topics: [...deps.topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
        eachBatch: handleBatch,
      });
      stopLag = watchLag(admin, groupId, deps.topics, metrics, logger, settings.lagIntervalMs);
      state = 'running';
      logger.info({ groupId, topics: deps.topics }, 'consuming');
    },

    async stop() {
      if (state === 'stopping' || state === 'stopped') return;
      state = 'stopping';
      watchdog?.stop();
      // Retry loops and backoff sleeps end at once; a trigger in flight finishes within its deadline.
      stopping.abort();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), settings.stopDeadlineMs);
      });
      const orderly = (async () => {
        await commits.drain(); // the background work ends on the abort, and commits what it finished
        await consumer.stop();
        await stopLag?.();
        await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
        return 'stopped' as const;
      })();
      const outcome = await Promise.race([orderly, deadline]);
      clearTimeout(timer);
      if (outcome === 'deadline')
        logger.warn(
          { deadlineMs: settings.stopDeadlineMs },
          'stop deadline passed; uncommitted messages are re-read by the next owner',
        );
      state = 'stopped';
      joined = false;
      logger.info('stopped');
    },
  };
}
