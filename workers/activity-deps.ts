import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { createKafkaClient } from '../adapters/kafka/client.js';
import { kafkaLogCreator } from '../adapters/kafka/log-creator.js';
import type { ActivityDeps } from '../activities/index.js';
import { createCassandraClient } from '../adapters/cassandra/client.js';
import { createPreferenceStore } from '../adapters/cassandra/preference-store.js';
import { createSnapshotStore } from '../adapters/cassandra/snapshot-store.js';
import { createUserKeyStore, userKeyCacheOptions } from '../adapters/cassandra/user-key-store.js';
import { createViewStore } from '../adapters/cassandra/view-store.js';
import { createDomainClient } from '../adapters/domain/domain-client.js';
import { createEventProducer } from '../adapters/kafka/event-producer.js';
import { createAnalyticsStore } from '../adapters/postgres/analytics-store.js';
import { createPostgresPool } from '../adapters/postgres/client.js';
import { createRedisClient } from '../adapters/redis/client.js';
import { createDashboardCache } from '../adapters/redis/dashboard-cache.js';
import { createLiveUpdatePublisher } from '../adapters/redis/live-updates.js';
import { createDashboardWorkflows } from '../adapters/temporal/dashboard-workflows.js';
import { platformDataConverter } from '../adapters/temporal/user-payload-codec.js';
import { taskQueues, type Config } from '../config/index.js';

export interface ActivityDepsOptions {
  /** Circuit breaker tuning (tests open it after fewer failures). */
  readonly breakAfterFailures?: number;
  readonly halfOpenAfterMs?: number;
  /** The process's logger, for the Kafka client's lines (without it, kafkajs's own JSON). */
  readonly logger?: Logger;
}

/** The real clients behind the activities, and one function that closes them all. */
export async function createActivityDeps(
  config: Config,
  options: ActivityDepsOptions = {},
): Promise<{ deps: ActivityDeps; close: () => Promise<void> }> {
  const cassandra = createCassandraClient(config);
  await cassandra.connect();
  const redis = createRedisClient(config.REDIS_URL);
  const { logger, ...breaker } = options;
  const kafka = createKafkaClient(config, logger ? { logCreator: kafkaLogCreator(logger) } : {});
  const events = createEventProducer(kafka);
  const keys = createUserKeyStore(cassandra, userKeyCacheOptions(config));
  // Only erasure uses it (a user's raw analytics events): one connection, opened on first use, and
  // statements end within the activity's 10 s.
  const analytics = createPostgresPool({
    url: config.ANALYTICS_DATABASE_URL,
    schema: config.ANALYTICS_SCHEMA,
    max: 1,
    statementTimeoutMs: 8_000,
  });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 5_000 });
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: platformDataConverter(keys),
  });
  const domain = (service: string, baseUrl: string) =>
    createDomainClient({ service, baseUrl, timeoutMs: config.DOMAIN_CALL_TIMEOUT_MS, ...breaker });

  const deps: ActivityDeps = {
    domain: {
      accounts: domain('accounts', config.ACCOUNTS_URL),
      partners: domain('partners', config.PARTNERS_URL),
      transactions: domain('transactions', config.TRANSACTIONS_URL),
      offers: domain('offers', config.OFFERS_URL),
    },
    preferences: createPreferenceStore(cassandra),
    views: createViewStore(cassandra),
    snapshots: createSnapshotStore(cassandra),
    keys,
    analytics: createAnalyticsStore(analytics),
    cache: createDashboardCache(redis),
    events,
    live: createLiveUpdatePublisher(redis),
    workflows: createDashboardWorkflows(client, taskQueues(config)),
  };
  return {
    deps,
    async close() {
      await Promise.all(Object.values(deps.domain).map((client) => client.close()));
      await events.disconnect();
      await connection.close();
      redis.disconnect();
      await cassandra.shutdown();
      await analytics.end();
    },
  };
}
