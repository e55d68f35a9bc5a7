import { once } from 'node:events';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCassandraClient } from '../../adapters/cassandra/client.js';
import { createViewStore } from '../../adapters/cassandra/view-store.js';
import { createDashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
import { connectPlatformClient } from '../../adapters/temporal/platform-client.js';
import { loadConfig, taskQueues, type Config } from '../../config/index.js';
import { rebuildBatchWorkflowId } from '../../contract/workflows.js';
import type { rebuildBatch } from '../../workflows/rebuild-batch.js';
import { startTestDomainServer, type TestDomainServer } from '../support/domain-server.js';
import { account } from '../support/fixtures.js';
import { unique } from '../support/unique.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

/**
 * A worker told to stop (SIGTERM: a deploy, a scale-down) while it builds a dashboard whose source
 * hangs: its drain is bounded, and the build it could not finish is finished by another worker.
 * Two worker processes on one task queue, the real engines, a stand-in for the domain services.
 */
let domain: TestDomainServer;
let config: Config;
let workers: WorkerProcess[] = [];
let temporal: { client: Client; close(): Promise<void> };
let cassandra: ReturnType<typeof createCassandraClient>;
let views: ReturnType<typeof createViewStore>;

beforeAll(async () => {
  domain = await startTestDomainServer();
  // Calls wait long for an answer, so the hung one below outlasts the drain instead of timing out.
  const env = { TEMPORAL_TASK_QUEUE: unique('worker-stop'), DOMAIN_CALL_TIMEOUT_MS: '120000' };
  config = loadConfig({ ...process.env, ...env });
  workers = await Promise.all([startWorkerProcess(domain, env), startWorkerProcess(domain, env)]);
  temporal = await connectPlatformClient(config);
  cassandra = createCassandraClient(config);
  await cassandra.connect();
  views = createViewStore(cassandra);
}, 240_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await temporal?.close();
  await domain?.close();
  await cassandra?.shutdown();
});

/** Whose workflow tasks a run's history records: the identity of each worker that took one, in order. */
async function taskTakers(workflowId: string): Promise<string[]> {
  const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.workflowTaskStartedEventAttributes?.identity ? [e.workflowTaskStartedEventAttributes.identity] : [],
  );
}

describe('a worker stopped during a build', () => {
  it('exits within its bounded drain, and another worker finishes the build', async () => {
    const userId = unique('u');
    const key = unique('batch');
    const workflowId = rebuildBatchWorkflowId(key);
    domain.setItems('accounts', userId, [account('acc-1', 'Girokonto')]);
    // The accounts service takes far longer than the drain may: an activity that does not end when it is cancelled.
    domain.setMode('accounts', { slowMs: 90_000 });

    await createDashboardWorkflows(temporal.client, taskQueues(config)).startRebuildBatch(key, [
      { userId, trigger: 'event' },
    ]);
    await expect.poll(() => domain.calls('accounts', userId), { timeout: 30_000 }).toBeGreaterThan(0);
    const [taker] = await taskTakers(workflowId);
    const stopping = workers.find((w) => taker?.startsWith(`${w.pid}@`));
    const other = workers.find((w) => w !== stopping);
    if (!stopping || !other) throw new Error(`no worker of this test took the build (${taker})`);

    // From here the service answers at once, for the other worker's try.
    domain.setMode('accounts', 'ok');
    stopping.child.kill('SIGTERM');
    // The deadline of this wait is what the test is about: 30 s of drain, 10 s to close its clients, and margin.
    const [code] = (await once(stopping.child, 'exit', { signal: AbortSignal.timeout(60_000) })) as [number | null];
    // It said why it left work behind; its own call to the accounts service is still waiting for an answer.
    expect(code).toBe(1);
    expect(stopping.lines.join('\n')).toContain('workers stopped before their work finished');

    // The build is finished by the other worker, which asked the service again: the dashboard shows the account.
    const result = await temporal.client.workflow.getHandle<typeof rebuildBatch>(workflowId).result();
    expect(result).toMatchObject({ built: 1, failures: [], handedOver: 0 });
    expect((await views.load(userId))?.sections.accounts.items[0]?.name).toBe('Girokonto');
    const takers = await taskTakers(workflowId);
    expect(takers.at(-1)).toMatch(new RegExp(`^${other.pid}@`));
    expect(domain.calls('accounts', userId)).toBeGreaterThanOrEqual(2);
    expect(other.child.exitCode).toBeNull();
  }, 180_000);
});
