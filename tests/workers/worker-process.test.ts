import { once } from 'node:events';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
import { connectPlatformClient } from '../../adapters/temporal/platform-client.js';
import { loadConfig, taskQueues, type Config } from '../../config/index.js';
import { startTestDomainServer, type TestDomainServer } from '../support/domain-server.js';
import { unique } from '../support/unique.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

/**
 * The worker as `npm start` and the deployment run it: its own process, on a task queue of its own,
 * against the real engines and a stand-in for the domain services.
 */
let domain: TestDomainServer;
let config: Config;
let worker: WorkerProcess;
let temporal: { client: Client; close(): Promise<void> };
const nobody = unique('nobody');

beforeAll(async () => {
  domain = await startTestDomainServer();
  const env = { TEMPORAL_TASK_QUEUE: unique('worker-process') };
  config = loadConfig({ ...process.env, ...env });
  worker = await startWorkerProcess(domain, env);
  temporal = await connectPlatformClient(config);
});

afterAll(async () => {
  await worker?.kill();
  await temporal?.close();
  await domain?.close();
});

const metrics = async () => (await fetch(`${worker.url}/metrics`)).text();
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('the worker process', () => {
  it("counts builds, degraded sources and breaker states on /metrics, beside the Temporal SDK's own series", async () => {
    const workflows = createDashboardWorkflows(temporal.client, taskQueues(config));
    await workflows.rebuildNow(unique('metrics-user'), 'admin', 30_000);
    domain.setMode('partners', 'error');
    try {
      await workflows.rebuildNow(unique('metrics-user'), 'admin', 30_000);
    } finally {
      domain.setMode('partners', 'ok');
    }

    // A user no service knows fails its build, as an operator's rebuild of a mistyped id would.
    for (const service of ['accounts', 'partners', 'offers', 'transactions'] as const) domain.setMode(service, 'error');
    try {
      await expect(workflows.rebuildNow(nobody, 'admin', 30_000)).rejects.toThrow();
    } finally {
      for (const service of ['accounts', 'partners', 'offers', 'transactions'] as const) domain.setMode(service, 'ok');
    }

    const text = await metrics();
    // Every line is a comment or one sample: `name{labels} value`, as Prometheus reads them.
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#')))
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eEInfa]+$/);
    expect(sample(text, 'dashboard_builds_total{path="interactive",outcome="built"}')).toBe(2);
    expect(sample(text, 'dashboard_builds_total{path="interactive",outcome="failed"}')).toBe(1);
    expect(sample(text, 'dashboard_build_duration_seconds_count{path="interactive"}')).toBe(3);
    expect(sample(text, 'dashboard_sources_degraded_total{source="partners",status="missing"}')).toBe(2);
    expect(sample(text, 'dashboard_sources_degraded_total{source="accounts",status="missing"}')).toBe(1);
    expect(sample(text, 'domain_circuit_state{service="accounts",state="closed"}')).toBe(1);
    expect(sample(text, 'domain_circuit_state{service="accounts",state="open"}')).toBe(0);
    // The SDK's runtime metrics (task slots, pollers, latencies) and the process's own.
    // Those the Grafana dashboard (deploy/monitoring) graphs among them.
    expect(text).toMatch(/^temporal_worker_task_slots_available\{.*worker_type=/m);
    expect(text).toMatch(/^temporal_workflow_task_schedule_to_start_latency_seconds_bucket\{.*task_queue=/m);
    expect(text).toMatch(/^temporal_workflow_task_execution_latency_seconds_bucket\{/m);
    expect(text).toMatch(/^temporal_workflow_task_queue_poll_succeed_total\{/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it("logs one JSON line per event through pino, the Temporal SDK's lines included, and stops cleanly on SIGTERM", async () => {
    // The failed build of the test before is logged by the SDK, with the run's fields and the failure.
    const failedBuild = (line: string) =>
      line.includes('"activityType":"buildDashboardOutcome"') &&
      line.includes(`"workflowId":"dashboard-rebuild:${nobody}"`);
    await expect.poll(() => worker.lines.some(failedBuild), { timeout: 10_000 }).toBe(true);
    expect(JSON.parse(worker.lines.find(failedBuild) ?? '{}')).toMatchObject({
      level: 40,
      sdkComponent: 'worker',
      err: { message: expect.stringContaining('no source answered') },
    });
    const parsed = worker.lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return { unparsed: line };
      }
    });
    expect(parsed.filter((l) => 'unparsed' in l)).toEqual([]);
    expect(parsed.every((l) => l['service'] === 'dashboard-worker')).toBe(true);
    expect(parsed.find((l) => l['msg'] === 'polling task queues')).toMatchObject({ queues: taskQueues(config) });
    // The SDK's own lines carry its fields, e.g. which task queue a worker polls.
    expect(parsed.some((l) => l['sdkComponent'] === 'worker' && l['taskQueue'] === config.TEMPORAL_TASK_QUEUE)).toBe(
      true,
    );

    worker.child.kill('SIGTERM');
    const [code] = (await once(worker.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
