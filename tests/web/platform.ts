import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runApiServer } from '../../api/server.js';
import { loadConfig } from '../../config/index.js';
import { up } from '../../stack/stack.js';
import '../setup/quiet-temporal.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import {
  createTestTopics,
  platformConfig,
  startDomainServices,
  startTestBridge,
  startWorker,
  testKafka,
} from '../e2e/support.js';
import { platformFile, type BrowserPlatform } from './platform-file.js';

/**
 * The whole platform for the browser tests, as one process Playwright starts (its webServer) and
 * stops: the engines (started if they are not up), the four domain services with topics of their own,
 * a worker on a task queue of its own, the bridge, and the API serving the built web app. Ready when
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

const info: BrowserPlatform = {
  apiUrl: `http://127.0.0.1:${apiPort}`,
  domainUrls: services.urls,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
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
});
log(`ready: ${info.apiUrl}/app/`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log('stopping');
  await api.stop();
  await bridge.stop();
  await worker.stop();
  await services.close();
  await topics.remove();
  process.exit(0);
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop());
