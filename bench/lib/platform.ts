import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import { createPostgresPool } from '../../adapters/postgres/client.js';
import { terminateOpenWorkflows } from '../../adapters/temporal/open-workflows.js';
import { connectPlatformClient } from '../../adapters/temporal/platform-client.js';
import { analyticsTopics, bridgeTopics } from '../../config/topics.js';
import { loadConfig, taskQueues, type Config } from '../../config/index.js';
import { stackPaths } from '../../stack/engine.js';
import { platformProcesses } from '../../stack/platform-processes.js';
import { up } from '../../stack/stack.js';
import { supervise, type Supervisor } from '../../stack/supervisor.js';

/**
 * The whole platform as the image runs it, on ports of its own (so a running `npm start` is left
 * alone), with a fresh domain-service journal and analytics store, task queues and consumer groups of
 * its own, and the per-user rate limit lifted (the benchmark measures the platform, not the limiter).
 */
export interface BenchPlatform {
  readonly config: Config;
  readonly env: Record<string, string>;
  readonly temporal: Client;
  /** Resident set size (MiB) of each platform process, read from /proc. */
  rss(): Record<string, number>;
  stop(): Promise<void>;
}

export async function startBenchPlatform(seedUsers: number, log: (line: string) => void): Promise<BenchPlatform> {
  const base = loadConfig();
  const dataDir = join(stackPaths(base).dir, 'bench', 'domain-services');
  rmSync(dataDir, { recursive: true, force: true });
  const env: Record<string, string> = {
    API_PORT: '18180',
    BRIDGE_PORT: '18190',
    WORKER_PORT: '18191',
    WORKER_SDK_METRICS_PORT: '18192',
    ANALYTICS_PORT: '18193',
    ACCOUNTS_URL: 'http://127.0.0.1:18201',
    PARTNERS_URL: 'http://127.0.0.1:18202',
    TRANSACTIONS_URL: 'http://127.0.0.1:18203',
    OFFERS_URL: 'http://127.0.0.1:18204',
    TEMPORAL_TASK_QUEUE: 'bench',
    BRIDGE_GROUP_ID: 'bench-bridge',
    ANALYTICS_GROUP_ID: 'bench-analytics',
    ANALYTICS_SCHEMA: ANALYTICS_BENCH_SCHEMA,
    DOMAIN_DATA_DIR: dataDir,
    DOMAIN_SEED_USERS: String(seedUsers),
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig({ ...process.env, ...env });
  await up(config, () => {});
  await skipOldEvents(config);
  await emptyAnalyticsStore(config);

  // As the image runs them (docker-compose.yml): compiled, with prebuilt workflow bundles.
  const specs = platformProcesses(config, {}, { compiled: true }).map((spec) => ({ ...spec, env }));
  // A process that exits during the benchmark is restarted, and the line saying so is shown.
  const supervisor: Supervisor = supervise(specs, {
    write: (line) => (/error|fatal|restarting/i.test(line) ? log(line) : undefined),
  });
  await supervisor.waitHealthy(120_000);
  const { client: temporal, close: closeTemporal } = await connectPlatformClient(config);
  const queues = Object.values(taskQueues(config));
  // A rebuild left open on these queues by an interrupted earlier run would take this run's requests.
  await terminateOpenWorkflows(temporal, taskQueues(config), 'benchmark run ended');
  for (const queue of queues) await waitForWorker(temporal, config, queue);
  log(`platform up: API ${apiUrl(config)}, ${seedUsers} seeded users`);

  return {
    config,
    env,
    temporal,
    rss: createRssReader(specs.map((s) => ({ name: s.name, entry: s.args.at(-1) ?? '' }))),
    async stop() {
      // The processes stop even when Temporal cannot be asked to end the runs: left running, they
      // would hold this run's ports for the next one.
      try {
        await terminateOpenWorkflows(temporal, taskQueues(config), 'benchmark run ended');
      } finally {
        await supervisor.stop(15_000);
        await closeTemporal();
      }
    },
  };
}

/**
 * The analytics process stores every event the platform sends, a million or more a run (mostly the
 * cache-hit runs' DashboardViewed). In the shared schema they piled up run after run (8.2 million rows,
 * 4 GB, by round 19) and every run's inserts paid for the index of all the runs before it.
 */
const ANALYTICS_BENCH_SCHEMA = 'bench_platform';

/** Drops the benchmark's analytics schema; the analytics process creates it afresh when it starts. */
async function emptyAnalyticsStore(config: Config): Promise<void> {
  const pool = createPostgresPool({ url: config.ANALYTICS_DATABASE_URL, schema: ANALYTICS_BENCH_SCHEMA, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${ANALYTICS_BENCH_SCHEMA} CASCADE`);
  } finally {
    await pool.end();
  }
}

export const apiUrl = (config: Config) => `http://127.0.0.1:${config.API_PORT}`;

/**
 * The bridge and analytics groups of a benchmark or chaos run start at the end of the topics: earlier tests' events
 * are not their load.
 */
export async function skipOldEvents(config: Config): Promise<void> {
  const admin = new Kafka({ brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    // Explicit high watermarks: resetOffsets(latest) writes -1, which a consumer starting "from the
    // beginning" resolves to the earliest offset.
    const groups = [
      { groupId: config.BRIDGE_GROUP_ID, topics: bridgeTopics },
      { groupId: config.ANALYTICS_GROUP_ID, topics: analyticsTopics },
    ];
    for (const { groupId, topics } of groups)
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const partitions = ends.map((e) => ({ partition: e.partition, offset: e.high }));
        // A bridge of an interrupted run stays a member until its session times out (30 s).
        for (let attempt = 1; ; attempt++) {
          try {
            await admin.setOffsets({ groupId, topic, partitions });
            break;
          } catch (error) {
            if (attempt === 20 || !String(error).includes('no running instances')) throw error;
            await new Promise((r) => setTimeout(r, 3_000));
          }
        }
      }
  } finally {
    await admin.disconnect();
  }
}

export async function waitForWorker(client: Client, config: Config, taskQueue: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const queue = await client.workflowService.describeTaskQueue({
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: { name: taskQueue },
      taskQueueType: 1,
    });
    if ((queue.pollers?.length ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the worker never polled task queue ${taskQueue}`);
}

/**
 * RSS of our children, found by their entry file in /proc (the supervisor starts them as
 * `node <flags> dist/<entry>.js`). Their pids are remembered, so sampling every half second reads one
 * file per process instead of scanning /proc; a process not found (yet, or any more) is looked for again.
 */
function createRssReader(processes: { name: string; entry: string }[]): () => Record<string, number> {
  let pids = new Map<string, string>();
  return () => {
    if (pids.size < processes.length) pids = findPids(processes);
    const result: Record<string, number> = {};
    for (const [name, pid] of pids) {
      try {
        const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        result[name] = Math.round(rssKb / 1024);
      } catch {
        // the process went away since we found it
        pids.delete(name);
      }
    }
    return result;
  };
}

function findPids(processes: { name: string; entry: string }[]): Map<string, string> {
  const pids = new Map<string, string>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const match = processes.find((p) => cmdline.includes(p.entry));
      // A running `npm start` has the same entries; ours carry the bench task queue in their environment.
      if (!match || !readFileSync(`/proc/${pid}/environ`, 'utf8').includes('TEMPORAL_TASK_QUEUE=bench')) continue;
      pids.set(match.name, pid);
    } catch {
      // the process went away while we looked
    }
  }
  return pids;
}
