import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDevToken } from '../../adapters/auth/dev-token.js';
import { inSpan } from '../../adapters/telemetry/trace-context.js';
import { startTracing, type Tracing } from '../../adapters/telemetry/tracing.js';
import { runApiServer, type RunningApi } from '../../api/server.js';
import { runOps } from '../../cli/ops.js';
import { bufferOutput } from '../../cli/ops/output.js';
import { loadConfig, type Config } from '../../config/index.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import { openEventStream } from './sse.js';
import {
  createTestTopics,
  platformConfig,
  startDomainServices,
  startTestBridge,
  startWorker,
  testKafka,
  userBlock,
  type DomainServices,
  type TestBridge,
  type TestTopics,
  type TestWorker,
} from './support.js';

/**
 * One trace from a domain write to the pushed dashboard: the write at the accounts service, its event
 * through the outbox and Kafka, the bridge, the rebuildBatch workflow and its activity, the user's
 * build with its domain calls, and the API's SSE push, read back from the stack's trace viewer.
 */
let base: Config;
let config: Config;
let tracing: Tracing;
let topics: TestTopics & { remove(): Promise<void> };
let services: DomainServices;
let worker: TestWorker;
let bridge: TestBridge;
let api: RunningApi;

beforeAll(async () => {
  base = loadConfig();
  tracing = startTracing('e2e-platform', {
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://${base.STACK_HOST}:${base.ZIPKIN_PORT}/api/v2/spans`,
  });
  const bundle = await bundleWorkflows();
  topics = await createTestTopics(testKafka(base));
  services = await startDomainServices(base, topics);
  config = platformConfig(base, services);
  worker = await startWorker(config, bundle, tracing);
  bridge = await startTestBridge(config, topics.all);
  api = await runApiServer({ ...config, API_PORT: 0, LOG_LEVEL: 'silent' });
});

afterAll(async () => {
  await api?.stop();
  await bridge?.stop();
  await worker?.stop();
  await services?.close();
  await topics?.remove();
  await tracing?.shutdown();
});

const ZipkinSpan = z.object({
  name: z.string(),
  traceId: z.string(),
  tags: z.record(z.string(), z.string()).optional(),
});

describe('tracing', () => {
  it('follows a domain write to the DashboardUpdated push as one trace in the trace viewer', async () => {
    const [userId = ''] = userBlock(1);
    const stream = await openEventStream(`http://127.0.0.1:${api.port}/v1/dashboard/stream`, {
      authorization: `Bearer ${await createDevToken(config, { userId })}`,
      'x-client-platform': 'ios',
      'x-client-version': '4.0.0',
    });
    let traceId = '';
    try {
      await inSpan('test: open a savings account', {}, async (span) => {
        traceId = span.spanContext().traceId;
        const created = await services.call('accounts', 'POST', `/v1/users/${userId}/accounts`, {
          name: 'Traced savings',
          type: 'savings',
          initialBalance: 10,
        });
        expect(created.status).toBe(201);
      });
      await expect
        .poll(() => stream.events.some((e) => e.event === 'DashboardUpdated'), { timeout: 45_000, interval: 250 })
        .toBe(true);
    } finally {
      stream.close();
    }
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await tracing.spanProcessor.forceFlush();

    const viewer = `http://${base.STACK_HOST}:${base.ZIPKIN_PORT}`;
    const names = async () => {
      const response = await fetch(`${viewer}/api/v2/trace/${traceId}`, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) return [];
      return z
        .array(ZipkinSpan)
        .parse(await response.json())
        .map((s) => s.name.toLowerCase());
    };
    const expected = [
      'post /v1/users/:userid/accounts', // the accounts service's server span
      'bridge: trigger rebuild',
      'bridge: start rebuildbatch',
      'startworkflow:rebuildbatch', // Temporal's client interceptor
      'runworkflow:rebuildbatch', // the workflow, exported through the worker's sink
      'runactivity:builddashboards', // the batch's local activity
      'build dashboard',
      'get', // a domain call of the build
      'api: push dashboardupdated',
    ];
    await expect.poll(names, { timeout: 20_000, interval: 500 }).toEqual(expect.arrayContaining(expected));

    // An operator asks for the user's latest rebuild and gets this trace, its link and its spans in order.
    const out = bufferOutput();
    expect(await runOps(['trace', userId], out, process.env)).toBe(0);
    expect(out.text()).toContain(`${base.TRACE_VIEWER_URL}/traces/${traceId}`);
    expect(out.text()).toMatch(/bridge: trigger rebuild[\s\S]*build dashboard[\s\S]*api: push dashboardupdated/);
  }, 90_000);
});
