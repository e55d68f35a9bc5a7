import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import cassandra from 'cassandra-driver';
import type { ActivityDeps } from '../../activities/index.js';
import { migrate } from '../../adapters/cassandra/migrate.js';
import { createDashboardWorkflows, type DashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
import { terminateOpenWorkflows } from '../../adapters/temporal/open-workflows.js';
import { loadConfig, taskQueues, type Config } from '../../config/index.js';
import { platformDataConverter } from '../../adapters/temporal/user-payload-codec.js';
import { createActivityDeps, type ActivityDepsOptions } from '../../workers/activity-deps.js';
import { bundleWorkflows, createDashboardWorkers, type DashboardWorkers } from '../../workers/create-worker.js';
import { startTestDomainServer, type TestDomainServer } from './domain-server.js';
import { unique } from './unique.js';

async function withCassandra<T>(config: Config, use: (client: cassandra.Client) => Promise<T>): Promise<T> {
  const client = new cassandra.Client({
    contactPoints: config.CASSANDRA_CONTACT_POINTS,
    localDataCenter: config.CASSANDRA_LOCAL_DC,
    protocolOptions: { port: config.CASSANDRA_PORT },
    socketOptions: { readTimeout: 60_000 },
  });
  try {
    return await use(client);
  } finally {
    await client.shutdown();
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * A real worker on the real Temporal dev server, with real Cassandra, Redis and Kafka behind its
 * activities, on a task queue of its own; only the domain services are a small test server.
 */
export interface TestPlatform {
  readonly config: Config;
  readonly deps: ActivityDeps;
  readonly client: Client;
  readonly workflows: DashboardWorkflows;
  readonly domain: TestDomainServer;
  readonly worker: DashboardWorkers;
  stop(): Promise<void>;
}

export interface TestPlatformOptions extends ActivityDepsOptions {
  /** A keyspace of its own (migrated here, dropped at stop), for tests that scan every view. */
  readonly ownKeyspace?: boolean;
  /** Settings over the defaults, e.g. an engine of the test's own (REDIS_URL) that it stops and resumes. */
  readonly env?: Record<string, string>;
}

export async function startTestPlatform({
  ownKeyspace,
  env,
  ...options
}: TestPlatformOptions = {}): Promise<TestPlatform> {
  bundle ??= bundleWorkflows();
  const domain = await startTestDomainServer();
  const keyspace = ownKeyspace ? unique('test').replace('-', '_') : undefined;
  if (keyspace) await withCassandra(loadConfig(), (client) => migrate(client, keyspace, 1));
  const config = loadConfig({
    ...process.env,
    ...(keyspace ? { CASSANDRA_KEYSPACE: keyspace } : {}),
    TEMPORAL_TASK_QUEUE: unique('test-queue'),
    ACCOUNTS_URL: domain.baseUrls.accounts,
    PARTNERS_URL: domain.baseUrls.partners,
    OFFERS_URL: domain.baseUrls.offers,
    TRANSACTIONS_URL: domain.baseUrls.transactions,
    DOMAIN_CALL_TIMEOUT_MS: '1000',
    ...env,
  });
  const { deps, close } = await createActivityDeps(config, options);
  const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createDashboardWorkers({
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    queues: taskQueues(config),
    deps,
    workflowBundle: await bundle,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: platformDataConverter(deps.keys),
  });
  return {
    config,
    deps,
    client,
    workflows: createDashboardWorkflows(client, taskQueues(config)),
    domain,
    worker,
    async stop() {
      await terminateOpenWorkflows(client, taskQueues(config), 'test finished');
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await close();
      await domain.close();
      if (keyspace) await withCassandra(config, (client) => client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`));
    },
  };
}
