import { join } from 'node:path';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { terminateOpenWorkflows } from '../adapters/temporal/open-workflows.js';
import { connectPlatformClient } from '../adapters/temporal/platform-client.js';
import { createCassandraClient } from '../adapters/cassandra/client.js';
import { migrate } from '../adapters/cassandra/migrate.js';
import { skipOldEvents, waitForWorker } from '../bench/lib/platform.js';
import { loadConfig, taskQueues, type Config } from '../config/index.js';
import { stackPaths } from '../stack/engine.js';
import { platformProcesses } from '../stack/platform-processes.js';
import { startPrivateRedis, type PrivateRedis } from '../stack/private-redis.js';
import { up } from '../stack/stack.js';
import { supervise, type ProcessSpec, type Supervisor } from '../stack/supervisor.js';
import { worthShowing } from './log-lines.js';

/**
 * The platform as production runs it, twice over: two API processes, two workers and two bridges (a
 * consumer group of two) beside the four domain services, under the same supervisor as `npm start`,
 * which restarts what is killed. Everything it writes is its own: ports, task queues, a consumer
 * group per run, a Cassandra keyspace and a Redis server (so the Redis can be killed and frozen), a
 * domain-service journal. Kafka topics are shared; the run's group starts at their end.
 */
export interface ChaosPlatform {
  readonly config: Config;
  readonly apiUrls: readonly string[];
  readonly supervisor: Supervisor;
  readonly redis: PrivateRedis;
  readonly temporal: Client;
  /** The platform's processes (replicas have their own names: api-1, api-2, ...). */
  readonly processes: readonly string[];
  stop(): Promise<void>;
}

const KEYSPACE = 'chaos';
/** CHAOS_LOG_LEVEL=info keeps every request of the run in .stack/chaos/platform.log, for a lost change. */
const LogLevel = z.enum(['debug', 'info', 'warn', 'error']).default('warn');
const REPLICATED = new Set(['worker', 'bridge', 'api']);

export async function startChaosPlatform(seedUsers: number, log: (line: string) => void): Promise<ChaosPlatform> {
  const base = loadConfig();
  const runDir = join(stackPaths(base).dir, 'chaos');
  const dataDir = join(runDir, 'domain-services');
  rmSync(dataDir, { recursive: true, force: true });
  // Everything the processes write, at the run's level; the console gets only errors and restarts.
  mkdirSync(runDir, { recursive: true });
  const platformLog = createWriteStream(join(runDir, 'platform.log'));
  await up(base, () => {});
  await freshKeyspace(base);
  const redis = await startPrivateRedis();
  const env: Record<string, string> = {
    ACCOUNTS_URL: 'http://127.0.0.1:18401',
    PARTNERS_URL: 'http://127.0.0.1:18402',
    TRANSACTIONS_URL: 'http://127.0.0.1:18403',
    OFFERS_URL: 'http://127.0.0.1:18404',
    TEMPORAL_TASK_QUEUE: 'chaos',
    // A group of its own each run, at the end of the topics before its bridges start: events of earlier
    // runs and tests (users this run's domain services do not know) are not its load.
    BRIDGE_GROUP_ID: `chaos-bridge-${Date.now()}`,
    ANALYTICS_GROUP_ID: `chaos-analytics-${Date.now()}`,
    ANALYTICS_PORT: '18349',
    CASSANDRA_KEYSPACE: KEYSPACE,
    REDIS_URL: redis.url,
    DOMAIN_DATA_DIR: dataDir,
    DOMAIN_SEED_USERS: String(seedUsers),
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: LogLevel.parse(process.env['CHAOS_LOG_LEVEL']),
  };
  const replica = (n: 1 | 2) => ({
    ...env,
    API_PORT: String(18379 + n),
    BRIDGE_PORT: String(18389 + n),
    WORKER_PORT: String(18369 + n),
    WORKER_SDK_METRICS_PORT: String(18359 + n),
  });
  const config = loadConfig({ ...process.env, ...replica(1) });
  await skipOldEvents(config);
  const specs: ProcessSpec[] = [];
  for (const n of [1, 2] as const) {
    const replicaEnv = replica(n);
    // As the image runs them: compiled, with prebuilt workflow bundles (docker-compose.yml).
    for (const spec of platformProcesses(loadConfig({ ...process.env, ...replicaEnv }), {}, { compiled: true })) {
      if (REPLICATED.has(spec.name)) specs.push({ ...spec, name: `${spec.name}-${n}`, env: replicaEnv });
      else if (n === 1) specs.push({ ...spec, env: replicaEnv });
    }
  }
  const supervisor = supervise(specs, {
    write: (line) => {
      platformLog.write(`${line}\n`);
      if (worthShowing(line)) log(line);
    },
  });
  await supervisor.waitHealthy(120_000);
  const { client: temporal, close: closeTemporal } = await connectPlatformClient(config);
  await terminateOpenWorkflows(temporal, taskQueues(config), 'chaos run started');
  for (const queue of Object.values(taskQueues(config))) await waitForWorker(temporal, config, queue);
  return {
    config,
    apiUrls: [1, 2].map((n) => `http://127.0.0.1:${18379 + n}`),
    supervisor,
    redis,
    temporal,
    processes: specs.map((s) => s.name),
    async stop() {
      // The processes stop even when Temporal cannot be asked to end the runs: left running, they
      // would hold this run's ports for the next one.
      try {
        await terminateOpenWorkflows(temporal, taskQueues(config), 'chaos run ended');
      } finally {
        await supervisor.stop(15_000);
        await closeTemporal();
        await redis.stop();
        platformLog.end();
      }
    },
  };
}

async function freshKeyspace(config: Config): Promise<void> {
  const client = createCassandraClient(config);
  await client.connect();
  try {
    await client.execute(`DROP KEYSPACE IF EXISTS ${KEYSPACE}`);
    await migrate(client, KEYSPACE, 1);
  } finally {
    await client.shutdown();
  }
}
