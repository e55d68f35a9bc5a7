import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDevToken } from '../../adapters/auth/dev-token.js';
import { carrierOf, inSpan, tracer } from '../../adapters/telemetry/trace-context.js';
import { createDashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
import { startTracing, type Tracing } from '../../adapters/telemetry/tracing.js';
import { runApiServer, type RunningApi } from '../../api/server.js';
import { runOps } from '../../cli/ops.js';
import { bufferOutput } from '../../cli/ops/output.js';
import { loadConfig, taskQueues, type Config } from '../../config/index.js';
import { unique } from '../support/unique.js';
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
  tracing = await startTracing('e2e-platform', {
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://${base.STACK_HOST}:${base.ZIPKIN_PORT}/api/v2/spans`,
  });
  const bundle = await bundleWorkflows({ traced: true });
  topics = await createTestTopics(testKafka(base));
  services = await startDomainServices(base, topics);
  config = platformConfig(base, services);
  worker = await startWorker(config, bundle, tracing);
  bridge = await startTestBridge(config, topics.all);
  // A traced API (its server span per request), as a process started with OTEL_TRACES_EXPORTER set.
  api = await runApiServer({ ...config, API_PORT: 0, LOG_LEVEL: 'silent', OTEL_TRACES_EXPORTER: 'zipkin' });
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

/** The spans of a trace in the viewer, as "name" or "name of user". */
async function spansOf(traceId: string): Promise<string[]> {
  const response = await fetch(`http://${base.STACK_HOST}:${base.ZIPKIN_PORT}/api/v2/trace/${traceId}`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) return [];
  return z
    .array(ZipkinSpan)
    .parse(await response.json())
    .map((s) => `${s.name.toLowerCase()}${s.tags?.['user.id'] === undefined ? '' : ` of ${s.tags['user.id']}`}`);
}

describe('tracing', () => {
  it('follows a domain write to the DashboardUpdated push as one trace in the trace viewer', async () => {
    const users = userBlock(2);
    const [userId = '', other = ''] = users;
    const stream = await openEventStream(`http://127.0.0.1:${api.port}/v1/dashboard/stream`, {
      authorization: `Bearer ${await createDevToken(config, { userId })}`,
      'x-client-platform': 'ios',
      'x-client-version': '4.0.0',
    });
    const traceOf = new Map<string, string>();
    try {
      await Promise.all(
        users.map((user) =>
          inSpan('test: open a savings account', {}, async (span) => {
            traceOf.set(user, span.spanContext().traceId);
            const created = await services.call('accounts', 'POST', `/v1/users/${user}/accounts`, {
              name: 'Traced savings',
              type: 'savings',
              initialBalance: 10,
            });
            expect(created.status).toBe(201);
          }),
        ),
      );
      await expect
        .poll(() => stream.events.some((e) => e.event === 'DashboardUpdated'), { timeout: 45_000, interval: 250 })
        .toBe(true);
    } finally {
      stream.close();
    }
    await tracing.spanProcessor.forceFlush();

    const expected = [
      'post /v1/users/:userid/accounts', // the accounts service's server span
      `bridge: trigger rebuild of ${userId}`,
      'bridge: start rebuildbatch',
      'startworkflow:rebuildbatch', // Temporal's client interceptor
      'runworkflow:rebuildbatch', // the workflow, exported through the worker's sink
      'runactivity:builddashboards', // the batch's local activity
      `build dashboard of ${userId}`,
      'get', // a domain call of the build
      `api: push dashboardupdated of ${userId}`,
    ];
    await expect
      .poll(() => spansOf(traceOf.get(userId) ?? ''), { timeout: 20_000, interval: 500 })
      .toEqual(expect.arrayContaining(expected));
    await expect
      .poll(() => spansOf(traceOf.get(other) ?? ''), { timeout: 20_000, interval: 500 })
      .toEqual(expect.arrayContaining([`bridge: trigger rebuild of ${other}`, `build dashboard of ${other}`]));
    expect(await spansOf(traceOf.get(other) ?? '')).not.toContain(`build dashboard of ${userId}`);

    // An operator asks for the user's latest rebuild and gets this trace, its link and its spans in order.
    const out = bufferOutput();
    expect(await runOps(['trace', userId], out, process.env)).toBe(0);
    expect(out.text()).toContain(`${base.TRACE_VIEWER_URL}/traces/${traceOf.get(userId) ?? ''}`);
    expect(out.text()).toMatch(/bridge: trigger rebuild[\s\S]*build dashboard[\s\S]*api: push dashboardupdated/);
  }, 90_000);

  it("joins each user's build in a shared batch to that user's own trace", async () => {
    const users = userBlock(2);
    const traceOf = new Map<string, string>();
    const triggers = users.map((userId) => {
      const span = tracer.startSpan('test: a change of the user');
      span.end();
      traceOf.set(userId, span.spanContext().traceId);
      return { userId, trigger: 'event' as const, ...carrierOf(span) };
    });
    const started = await createDashboardWorkflows(bridge.client, taskQueues(config)).startRebuildBatch(
      unique('traced-batch'),
      triggers,
    );
    await started.finished();
    await tracing.spanProcessor.forceFlush();
    for (const userId of users) {
      await expect
        .poll(() => spansOf(traceOf.get(userId) ?? ''), { timeout: 20_000, interval: 500 })
        .toContain(`build dashboard of ${userId}`);
    }
  }, 60_000);

  it("follows a cache miss from the app's request through the rebuild workflow to the build", async () => {
    const [userId = ''] = userBlock(1);
    let traceId = '';
    await inSpan('test: the app opens its dashboard', {}, async (span) => {
      traceId = span.spanContext().traceId;
      const response = await fetch(`http://127.0.0.1:${api.port}/v1/dashboard`, {
        headers: {
          authorization: `Bearer ${await createDevToken(config, { userId })}`,
          'x-client-platform': 'ios',
          'x-client-version': '4.0.0',
        },
      });
      expect(response.headers.get('x-dashboard-source')).toBe('rebuild');
    });
    await tracing.spanProcessor.forceFlush();
    await expect
      .poll(() => spansOf(traceId), { timeout: 20_000, interval: 500 })
      .toEqual(
        expect.arrayContaining([
          'get /v1/dashboard', // the API's server span
          'runworkflow:rebuilddashboard',
          `build dashboard of ${userId}`,
          'get', // a domain call of the build
        ]),
      );
  }, 60_000);
});
