import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import type { Tracing } from '../../adapters/telemetry/tracing.js';
import type { ActivityDeps } from '../../activities/index.js';
import { consumerLag } from '../../adapters/kafka/consumer-lag.js';
import { terminateOpenWorkflows } from '../../adapters/temporal/open-workflows.js';
import { taskQueues, type Config } from '../../config/index.js';
import type { Account } from '../../dashboard/index.js';
import { createApp as createAccounts } from '../../domain-services/accounts/app.js';
import { createApp as createOffers } from '../../domain-services/offers/app.js';
import { createApp as createPartners } from '../../domain-services/partners/app.js';
import { createKafkaPublisher } from '../../domain-services/shared/kafka-publisher.js';
import { listen, type Listening } from '../../domain-services/shared/listen.js';
import type { DomainService, DomainServiceDeps } from '../../domain-services/shared/service.js';
import { createApp as createTransactions } from '../../domain-services/transactions/app.js';
import { createActivityDeps } from '../../workers/activity-deps.js';
import { createBridge, type Bridge, type BridgeOptions } from '../../workers/bridge/create-bridge.js';
import { createTemporalTrigger } from '../../workers/bridge/temporal-trigger.js';
import { createDashboardWorkers } from '../../workers/create-worker.js';
import { unique } from '../support/unique.js';

/**
 * The real platform for end-to-end tests, isolated per test file: real domain services (own data dir,
 * own Kafka topics), a real worker on its own task queue, and the real bridge with its own consumer
 * group over those topics. Own topics matter: two bridges over the shared domain topics would rebuild
 * each other's users from the wrong domain services (one workflow id per user, one view per user).
 * Users come from a seed population of a million at a random offset, so no other test touches them.
 */
export const SEED_USERS = 1_000_000;
export const silent = pino({ level: 'silent' });

export type ServiceName = 'accounts' | 'partners' | 'transactions' | 'offers';
export const SERVICES: readonly ServiceName[] = ['accounts', 'partners', 'transactions', 'offers'];

export interface TestTopics {
  readonly domain: Record<ServiceName, string>;
  readonly preferences: string;
  readonly all: readonly string[];
}

export function testKafka(config: Config): Kafka {
  return new Kafka({ clientId: unique('e2e'), brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
}

/** Fresh topics shaped like the real ones (several partitions, keyed by user). */
export async function createTestTopics(
  kafka: Kafka,
  partitions = 3,
): Promise<TestTopics & { remove(): Promise<void> }> {
  const prefix = unique('e2e');
  const domain = {
    accounts: `${prefix}.accounts`,
    partners: `${prefix}.partners`,
    transactions: `${prefix}.transactions`,
    offers: `${prefix}.offers`,
  };
  const preferences = `${prefix}.preferences`;
  const all = [...Object.values(domain), preferences];
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: all.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
  return {
    domain,
    preferences,
    all,
    async remove() {
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup.deleteTopics({ topics: all }).catch(() => undefined);
      await cleanup.disconnect();
    },
  };
}

/** A user id no other test uses: a random block of the million seeded users. */
export function userBlock(size: number): string[] {
  const base = 100_000 + Math.floor(Math.random() * (SEED_USERS - 100_000 - size));
  return Array.from({ length: size }, (_, i) => `u-${base + i}`);
}

export interface DomainServices {
  readonly urls: Record<ServiceName, string>;
  call(service: ServiceName, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Journaled events not yet acknowledged by Kafka, over all four services. */
  pendingEvents(): Promise<number>;
  close(): Promise<void>;
}

export async function startDomainServices(config: Config, topics: TestTopics): Promise<DomainServices> {
  const data = await mkdtemp(join(tmpdir(), 'e2e-domain-'));
  const deps = (name: ServiceName): DomainServiceDeps => ({
    dataDir: data,
    seedUsers: SEED_USERS,
    logger: silent,
    kafka: { brokers: config.KAFKA_BROKERS, clientId: unique(`e2e-${name}`) },
    publisher: createKafkaPublisher({
      brokers: config.KAFKA_BROKERS,
      clientId: unique(`e2e-${name}`),
      topic: topics.domain[name],
      logger: silent,
    }),
    relay: { initialBackoffMs: 50, maxBackoffMs: 500 },
  });
  const running: { service: DomainService; server: Listening }[] = [];
  const urls = {} as Record<ServiceName, string>;
  const start = async (name: ServiceName, create: () => Promise<DomainService>) => {
    const service = await create();
    const server = await listen(service.app, { host: '127.0.0.1', port: 0 });
    running.push({ service, server });
    urls[name] = server.url;
  };
  await start('accounts', () => createAccounts(deps('accounts')));
  await start('partners', () => createPartners(deps('partners')));
  await start('offers', () => createOffers(deps('offers')));
  // Generous deadlines: the whole suite shares two cores, and a slow answer is not what these tests test.
  await start('transactions', () =>
    createTransactions({ ...deps('transactions'), accountsUrl: urls.accounts, callTimeoutMs: 10_000 }),
  );
  return {
    urls,
    async call(service, method, path, body) {
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(urls[service] + path, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        // 503 = nothing was journaled (e.g. transactions could not reach accounts in time): a client retries.
        if (response.status === 503 && attempt < 5) continue;
        return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
      }
    },
    pendingEvents: async () => running.reduce((sum, { service }) => sum + service.outbox.status().pending, 0),
    async close() {
      for (const { service, server } of running.reverse()) {
        await server.close();
        await service.close(2_000);
      }
      await rm(data, { recursive: true, force: true });
    },
  };
}

/** The config of a platform whose activities read these domain services, on a task queue of its own. */
export function platformConfig(base: Config, services: DomainServices, overrides: Partial<Config> = {}): Config {
  return {
    ...base,
    TEMPORAL_TASK_QUEUE: unique('e2e-queue'),
    ACCOUNTS_URL: services.urls.accounts,
    PARTNERS_URL: services.urls.partners,
    TRANSACTIONS_URL: services.urls.transactions,
    OFFERS_URL: services.urls.offers,
    DOMAIN_CALL_TIMEOUT_MS: 10_000,
    ...overrides,
  };
}

export interface TestWorker {
  readonly deps: ActivityDeps;
  stop(): Promise<void>;
}

/** A real worker with real activities (Cassandra, Redis, Kafka, these domain services). */
export async function startWorker(
  config: Config,
  bundle: WorkflowBundleWithSourceMap,
  tracing?: Pick<Tracing, 'spanProcessor' | 'resource'>,
): Promise<TestWorker> {
  const { deps, close } = await createActivityDeps(config);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createDashboardWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    queues: taskQueues(config),
    deps,
    workflowBundle: bundle,
    ...(tracing === undefined ? {} : { tracing }),
  });
  const running = worker.run();
  return {
    deps,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await close();
    },
  };
}

export interface TestBridge {
  readonly bridge: Bridge;
  readonly groupId: string;
  readonly client: Client;
  /** Every rebuild workflow still open on the task queue is terminated (nothing would ever run it). */
  stop(): Promise<void>;
}

/** The bridge as workers/bridge.ts wires it, over the test's topics, triggering on the test's queue. */
export async function startTestBridge(
  config: Config,
  topics: readonly string[],
  options: BridgeOptions & { deadLetterTopic?: string } = {},
): Promise<TestBridge> {
  // A shorter reconnect backoff than the process's, so outage tests see the bridge resume quickly.
  const temporal = createTemporalTrigger(config, { maxReconnectBackoffMs: 2_000 });
  const groupId = unique('e2e-bridge');
  const bridge = createBridge({
    kafka: testKafka(config),
    groupId,
    topics,
    deadLetterTopic: options.deadLetterTopic ?? 'dashboard.dead-letter',
    startRebuilds: temporal.startRebuilds,
    logger: silent,
    options: { lagIntervalMs: 1_000, ...options },
  });
  await bridge.start();
  return {
    bridge,
    groupId,
    client: temporal.client,
    async stop() {
      await bridge.stop();
      await terminateOpenWorkflows(temporal.client, taskQueues(config), 'test finished');
      await temporal.close();
    },
  };
}

/** The bits of an account both the accounts service and the dashboard show, in a comparable order. */
export function accountFacts(accounts: readonly Account[]): { id: string; name: string; balance: unknown }[] {
  return accounts.map((a) => ({ id: a.id, name: a.name, balance: a.balance })).sort((x, y) => x.id.localeCompare(y.id));
}

/** The value of one sample of a metric in the bridge's registry (0 when absent). */
export async function metricValue(bridge: Bridge, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = bridge.metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) =>
      Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
    )
    .reduce((sum, v) => sum + v.value, 0);
}

/** Committed offsets of a group and the topics' end offsets, summed per topic-partition. */
export async function groupProgress(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
): Promise<{ committed: number; end: number; behind: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions = await consumerLag(admin, groupId, topics);
    const committed = partitions.reduce((sum, p) => sum + Math.max(0, p.committed), 0);
    const end = partitions.reduce((sum, p) => sum + p.end, 0);
    return { committed, end, behind: end - committed };
  } finally {
    await admin.disconnect();
  }
}
