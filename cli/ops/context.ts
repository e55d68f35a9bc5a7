import { Client, Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import type cassandra from 'cassandra-driver';
import { createCassandraClient } from '../../adapters/cassandra/client.js';
import { createUserKeyStore } from '../../adapters/cassandra/user-key-store.js';
import { platformDataConverter } from '../../adapters/temporal/user-payload-codec.js';
import { createPreferenceStore, type PreferenceStore } from '../../adapters/cassandra/preference-store.js';
import { createViewStore, type ViewStore } from '../../adapters/cassandra/view-store.js';
import { createRedisClient } from '../../adapters/redis/client.js';
import { createDashboardCache, type DashboardCache } from '../../adapters/redis/dashboard-cache.js';
import { createDashboardWorkflows, type DashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
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
  let cassandra: Promise<cassandra.Client> | undefined;
  const connectedCassandra = () => {
    cassandra ??= (async () => {
      const client = createCassandraClient(config);
      await client.connect();
      closers.push(() => client.shutdown());
      return client;
    })();
    return cassandra;
  };
  return {
    config,
    temporal() {
      temporal ??= (async () => {
        // Results of a user's workflows are sealed with their key, which is kept in Cassandra.
        const keys = createUserKeyStore(await connectedCassandra());
        const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 5_000 });
        closers.push(() => connection.close());
        const client = new Client({
          connection,
          namespace: config.TEMPORAL_NAMESPACE,
          dataConverter: platformDataConverter(keys),
        });
        return { client, workflows: createDashboardWorkflows(client, taskQueues(config)) };
      })();
      return temporal;
    },
    stores() {
      stores ??= (async () => {
        const cassandra = await connectedCassandra();
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
