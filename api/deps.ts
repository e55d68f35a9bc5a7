import { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { createKafkaClient } from '../adapters/kafka/client.js';
import { kafkaLogCreator } from '../adapters/kafka/log-creator.js';
import { pino, type Logger } from 'pino';
import { createTokenVerifier, type TokenVerifier } from '../adapters/auth/token-verifier.js';
import { createCassandraClient } from '../adapters/cassandra/client.js';
import { createEventProducer } from '../adapters/kafka/event-producer.js';
import { createPreferenceStore, type PreferenceStore } from '../adapters/cassandra/preference-store.js';
import { createViewStore, type ViewStore } from '../adapters/cassandra/view-store.js';
import { createUserKeyStore, userKeyCacheOptions } from '../adapters/cassandra/user-key-store.js';
import { createRedisClient } from '../adapters/redis/client.js';
import { createDashboardCache, type DashboardCache } from '../adapters/redis/dashboard-cache.js';
import { createCachedInsights, type InsightsReader } from '../adapters/redis/insights-cache.js';
import { createAnalyticsStore } from '../adapters/postgres/analytics-store.js';
import { createPostgresPool } from '../adapters/postgres/client.js';
import { createDashboardWorkflows, type DashboardWorkflows } from '../adapters/temporal/dashboard-workflows.js';
import { createLazyConnection } from '../adapters/temporal/lazy-connection.js';
import { createCallScope } from '../adapters/temporal/call-scope.js';
import { clientPayloadCodec } from '../adapters/temporal/user-payload-codec.js';
import {
  listFailedRebuilds,
  listUserWorkflows,
  type FailedRebuild,
  type UserWorkflow,
} from '../adapters/temporal/workflow-inspection.js';
import { taskQueues, type Config } from '../config/index.js';
import { topics } from '../config/topics.js';
import { createStreamHub, type LiveUpdates } from './live/stream-hub.js';
import { createNearCache, type NearCache } from './near-cache.js';
import { createRedisRateLimiter, type RateLimiter } from '../adapters/redis/rate-limiter.js';
import { createRedisLock, type SingleFlightLock } from '../adapters/redis/swr-lock.js';
import { traceLogFields } from '../adapters/telemetry/trace-context.js';
import { tracedClientInterceptors } from '../adapters/telemetry/temporal-tracing.js';
import { createOfferIdsReader } from './offer-ids.js';
import { createViewEmitter, type ViewEmitter } from './view-events.js';
import { withTimeout } from './with-timeout.js';

/** The settings the API reads. */
export type ApiConfig = Pick<
  Config,
  | 'AUTH_ADMIN_CLAIM'
  | 'AUTH_ADMIN_ROLE'
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_UI_URL'
  | 'DASHBOARD_SOFT_TTL_SECONDS'
  | 'REBUILD_DEADLINE_MS'
  | 'RATE_LIMIT_PER_MINUTE'
  | 'BODY_LIMIT_BYTES'
  | 'SSE_HEARTBEAT_SECONDS'
  | 'SSE_MAX_AGE_SECONDS'
  | 'SSE_MAX_STREAMS'
>;

/** A readiness check of one dependency: resolves when it answered. */
export type Probe = () => Promise<void>;
export const DEPENDENCIES = ['redis', 'cassandra', 'temporal'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/**
 * Everything the API touches, as small ports: routes see only the methods they call, and tests can
 * hand in real clients with different settings (or a broken one) without any global state.
 */
export interface ApiDeps {
  readonly config: ApiConfig;
  readonly logger: Logger;
  /** Checks bearer tokens: the identity provider's keys in production, the dev secret locally. */
  readonly verifyToken: TokenVerifier;
  /** Redis, with this process's near cache in front: `peek` answers from memory alone (api/fast-read.ts). */
  readonly cache: Pick<DashboardCache, 'get' | 'put'> & Partial<Pick<NearCache, 'peek'>>;
  readonly views: Pick<ViewStore, 'load'>;
  readonly preferences: Pick<PreferenceStore, 'load' | 'history'>;
  readonly workflows: Pick<DashboardWorkflows, 'requestRebuild' | 'rebuildNow' | 'changePreferences'>;
  /** Single flight of background rebuilds across API processes. */
  readonly lock: SingleFlightLock;
  readonly rateLimiter: Pick<RateLimiter, 'hit'>;
  readonly live: LiveUpdates;
  /** What the admin endpoints show operators, from Temporal's visibility (this deployment's queues). */
  readonly inspection: WorkflowInspection;
  /** What product teams see: daily summaries of the analytics store, through a Redis cache. */
  readonly insights: InsightsReader;
  /** DashboardViewed per served dashboard, for insights; absent when VIEW_EVENTS_ENABLED is off. */
  readonly viewEvents?: Pick<ViewEmitter, 'emit' | 'counts'>;
  readonly probes: Readonly<Record<Dependency, Probe>>;
  /** Opens payloads sealed with their user's key: the Temporal client's and the UI's codec endpoint's. */
  readonly codec: PayloadCodec;
}

export interface WorkflowInspection {
  userWorkflows(userId: string, limit: number): Promise<UserWorkflow[]>;
  failedRebuilds(since: Date, limit: number): Promise<FailedRebuild[]>;
}

export interface ApiResources {
  readonly deps: ApiDeps;
  /** Ends live streams, then closes every client. */
  close(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({ level: config.LOG_LEVEL, base: { service: 'dashboard-api' }, mixin: traceLogFields });
}

/**
 * The real clients. Nothing here waits for an engine to be up: Cassandra and Temporal connect on
 * first use and Redis reconnects by itself, so the API starts (and answers /readyz with what is
 * down) while a dependency is still coming up.
 */
/** How long closing one engine's connections may take at shutdown. */
const CLOSE_DEADLINE_MS = 3_000;

/**
 * DashboardViewed publishing: a Kafka producer of the API's own (connected on the first view, so a
 * process that serves none opens no connection) behind the emitter that keeps reads from waiting on it.
 */
function createViewEvents(config: Config, logger: Logger): { emitter: ViewEmitter; close(): Promise<void> } {
  const kafka = createKafkaClient(config, { logCreator: kafkaLogCreator(logger) });
  // Short: a batch Kafka has not taken by then is dropped, and the next one gets its turn.
  const producer = createEventProducer(kafka, { timeoutMs: 2_000 });
  const emitter = createViewEmitter({
    producer,
    topic: topics.dashboardViewed,
    offerIdsOf: createOfferIdsReader(),
    logger,
    maxBuffered: config.VIEW_EVENTS_BUFFER,
    sendTimeoutMs: 2_000,
    // Within the shutdown's bounded goodbye, leaving room for the producer's disconnect.
    closeDeadlineMs: CLOSE_DEADLINE_MS - 1_000,
  });
  return {
    emitter,
    async close() {
      await emitter.close();
      await producer.disconnect();
    },
  };
}

export function createApiDeps(config: Config, options: { logger?: Logger } = {}): ApiResources {
  const logger = options.logger ?? createLogger(config);
  // Short command timeouts: on the read path a slow Redis is skipped, not waited on.
  const redis = createRedisClient(config.REDIS_URL, { commandTimeoutMs: 1_000 });
  // Pub/sub needs a connection of its own: a subscribed connection cannot run other commands.
  const subscriber = createRedisClient(config.REDIS_URL);
  for (const [name, client] of [
    ['redis', redis],
    ['redis subscriber', subscriber],
  ] as const) {
    client.on('error', (error: unknown) => logger.warn({ err: error }, `${name} connection error`));
  }
  const cassandra = createCassandraClient(config);
  cassandra.connect().catch((error: unknown) => logger.warn({ err: error }, 'cassandra not reachable yet'));
  const { connection, close: closeTemporal } = createLazyConnection({
    address: config.TEMPORAL_ADDRESS,
    connectTimeout: 5_000,
  });
  const codec = clientPayloadCodec(createUserKeyStore(cassandra, userKeyCacheOptions(config)));
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: { payloadCodecs: [codec] },
    interceptors: tracedClientInterceptors(),
  });
  // Every call the API makes to Temporal, so async hooks are off while none is in flight (cache hits).
  const temporalCalls = createCallScope(connection.callContextStorage);
  const live = createStreamHub(subscriber, logger);
  const rateLimiter = createRedisRateLimiter(redis, { logger });
  // Only the admin-only insights read it: a small pool, and no statement may outlast the request's deadline.
  const analytics = createPostgresPool({
    url: config.ANALYTICS_DATABASE_URL,
    schema: config.ANALYTICS_SCHEMA,
    max: 2,
    statementTimeoutMs: 5_000,
    logger,
  });
  const viewEvents = config.VIEW_EVENTS_ENABLED ? createViewEvents(config, logger) : undefined;

  const deps: ApiDeps = {
    config,
    logger,
    verifyToken: createTokenVerifier(config),
    // Repeated reads are answered from memory, kept correct by the updates `live` hears.
    cache: createNearCache(createDashboardCache(redis), live),
    views: createViewStore(cassandra),
    preferences: createPreferenceStore(cassandra),
    workflows: temporalCalls.wrap(createDashboardWorkflows(temporal, taskQueues(config))),
    lock: createRedisLock(redis),
    rateLimiter,
    live,
    inspection: temporalCalls.wrap<WorkflowInspection>({
      userWorkflows: (userId, limit) => listUserWorkflows(temporal, userId, limit),
      failedRebuilds: (since, limit) => listFailedRebuilds(temporal, since, config.TEMPORAL_TASK_QUEUE, limit),
    }),
    insights: createCachedInsights(createAnalyticsStore(analytics), redis, { namespace: config.ANALYTICS_SCHEMA }),
    ...(viewEvents ? { viewEvents: viewEvents.emitter } : {}),
    codec,
    probes: {
      redis: async () => {
        await redis.ping();
      },
      cassandra: async () => {
        await cassandra.execute('SELECT release_version FROM system.local');
      },
      temporal: () =>
        temporalCalls.run(async () => {
          await connection.workflowService.describeNamespace({ namespace: config.TEMPORAL_NAMESPACE });
        }),
    },
  };

  return {
    deps,
    async close() {
      await live.close();
      subscriber.disconnect();
      await withTimeout(rateLimiter.close(), CLOSE_DEADLINE_MS, 'rate limit counts').catch(() => undefined);
      // Each engine gets a bounded goodbye: a driver still connecting (the engine away) must not hold up a shutdown.
      const bounded = (closing: Promise<unknown>, what: string) =>
        withTimeout(closing, CLOSE_DEADLINE_MS, what).catch((error: unknown) =>
          logger.warn({ err: error }, `${what} failed`),
        );
      await bounded(redis.quit(), 'redis quit');
      redis.disconnect();
      await Promise.all([
        bounded(cassandra.shutdown(), 'cassandra shutdown'),
        bounded(closeTemporal(), 'temporal connection close'),
        bounded(analytics.end(), 'analytics store close'),
        // Runs after the server stopped answering, so every view it served is in the buffer to flush.
        ...(viewEvents ? [bounded(viewEvents.close(), 'view events close')] : []),
      ]);
    },
  };
}
