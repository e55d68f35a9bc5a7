import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runApiServer } from '../../api/server.js';
import { NativeConnection } from '@temporalio/worker';
import { analyticsTaskQueue, loadConfig } from '../../config/index.js';
import { topics as platformTopics } from '../../config/topics.js';
import { createAnalyticsConsumer } from '../../workers/analytics/create-analytics-consumer.js';
import { createAnalyticsWorker } from '../../workers/analytics/create-analytics-worker.js';
import { createTestAnalytics } from '../support/analytics.js';
import { unique } from '../support/unique.js';
import { up } from '../../stack/stack.js';
import '../setup/quiet-temporal.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import {
  createTestTopics,
  platformConfig,
  startDomainServices,
  startTestBridge,
  silent,
  startWorker,
  testKafka,
} from '../e2e/support.js';
import { platformFile, type BrowserPlatform } from './platform-file.js';

/**
 * The whole platform for the browser tests, as one process Playwright starts (its webServer) and
 * stops: the engines (started if they are not up), the four domain services with topics of their own,
 * a worker on a task queue of its own, the bridge, the analytics consumer and rollup worker (a schema
 * of their own, reading the dashboards this API serves), and the API serving the built web app. Ready when
 * the API answers /healthz; what the tests need to reach it is written to the platform file first.
 */
const log = (line: string) => process.stderr.write(`[browser platform] ${line}\n`);

const base = loadConfig();
const apiPort = Number(process.env['WEB_TEST_API_PORT'] ?? '8180');
await up(base, log);
const topics = await createTestTopics(testKafka(base));
const services = await startDomainServices(base, topics);
const config = platformConfig(base, services);
const worker = await startWorker(config, await bundleWorkflows());
const bridge = await startTestBridge(config, topics.all);
const analytics = await createTestAnalytics(config);
const kafka = testKafka(config);
// The views this run's API serves, and the preference changes and rebuilds its worker announces, go to
// the platform's topics: a group of its own, from the topics' end.
const analyticsConsumer = createAnalyticsConsumer({
  kafka,
  groupId: unique('web-analytics'),
  topics: [platformTopics.dashboardViewed, platformTopics.preferences, platformTopics.dashboardUpdated],
  deadLetterTopic: platformTopics.deadLetter,
  store: analytics.store,
  keys: worker.deps.keys,
  logger: silent,
  fromBeginning: false,
});
await analyticsConsumer.start();
while (!analyticsConsumer.health().joined) await new Promise((resolve) => setTimeout(resolve, 100));
const analyticsConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const analyticsWorker = await createAnalyticsWorker({
  connection: analyticsConnection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: analyticsTaskQueue(config),
  deps: { store: analytics.store },
});
const analyticsRunning = analyticsWorker.run();

const info: BrowserPlatform = {
  apiUrl: `http://127.0.0.1:${apiPort}`,
  domainUrls: services.urls,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  analyticsSchema: analytics.schema,
  jwtSecret: config.JWT_SECRET,
};
mkdirSync(dirname(platformFile), { recursive: true });
writeFileSync(platformFile, JSON.stringify(info, null, 2));
const api = await runApiServer({
  ...config,
  API_PORT: apiPort,
  BIND_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: 10_000,
  ANALYTICS_SCHEMA: analytics.schema,
});
log(`ready: ${info.apiUrl}/app/`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log('stopping');
  await api.stop();
  await bridge.stop();
  await analyticsConsumer.stop();
  // The SDK stops its workers on SIGTERM/SIGINT itself; shut down only one still running.
  if (analyticsWorker.getState() === 'RUNNING') analyticsWorker.shutdown();
  await analyticsRunning;
  await analyticsConnection.close();
  await analytics.drop();
  await worker.stop();
  await services.close();
  await topics.remove();
  process.exit(0);
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop());
