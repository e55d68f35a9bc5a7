import type { Client } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import { createCassandraClient } from '../../adapters/cassandra/client.js';
import { createPreferenceStore, type PreferenceStore } from '../../adapters/cassandra/preference-store.js';
import { createViewStore, type ViewStore } from '../../adapters/cassandra/view-store.js';
import { createRedisClient } from '../../adapters/redis/client.js';
import { createDashboardCache, type DashboardCache } from '../../adapters/redis/dashboard-cache.js';
import { createDashboardWorkflows, type DashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
import { connectPlatformClient } from '../../adapters/temporal/platform-client.js';
import { taskQueues, type Config } from '../../config/index.js';

/** What ops commands work with; connections are opened on first use so `--help` needs no engine. */
export interface OpsContext {
  readonly config: Config;
  temporal(): Promise<{ client: Client; workflows: DashboardWorkflows }>;
  stores(): Promise<{ views: ViewStore; preferences: PreferenceStore; cache: DashboardCache }>;
  kafka(): Kafka;
  close(): Promise<void>;
}

export function createOpsContext(config: Config): OpsContext {
  const closers: (() => Promise<void> | void)[] = [];
  let temporal: Promise<{ client: Client; workflows: DashboardWorkflows }> | undefined;
  let stores: Promise<{ views: ViewStore; preferences: PreferenceStore; cache: DashboardCache }> | undefined;
  let kafka: Kafka | undefined;
  return {
    config,
    temporal() {
      temporal ??= (async () => {
        const { client, close } = await connectPlatformClient(config);
        closers.push(close);
        return { client, workflows: createDashboardWorkflows(client, taskQueues(config)) };
      })();
      return temporal;
    },
    stores() {
      stores ??= (async () => {
        const cassandra = createCassandraClient(config);
        await cassandra.connect();
        closers.push(() => cassandra.shutdown());
        const redis = createRedisClient(config.REDIS_URL);
        closers.push(() => redis.disconnect());
        return {
          views: createViewStore(cassandra),
          preferences: createPreferenceStore(cassandra),
          cache: createDashboardCache(redis),
        };
      })();
      return stores;
    },
    kafka() {
      kafka ??= new Kafka({
        clientId: `${config.KAFKA_CLIENT_ID}-ops`,
        brokers: config.KAFKA_BROKERS,
        connectionTimeout: 5_000,
        requestTimeout: 15_000,
        logLevel: logLevel.NOTHING,
      });
      return kafka;
    },
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
