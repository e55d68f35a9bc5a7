import { engineProbes } from '../../../adapters/engine-probes.js';
import { consumerLag } from '../../../adapters/kafka/consumer-lag.js';
import type { OpsCommand } from '../command.js';
import type { OpsContext } from '../context.js';

async function httpHealth(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? 'up' : `answering ${response.status}`;
  } catch {
    return 'down';
  }
}

/** Each domain service's circuit breaker in the worker, from its /metrics (workers/worker-metrics.ts). */
async function circuitStates(workerUrl: string): Promise<{ service: string; state: string }[]> {
  const text = await (await fetch(`${workerUrl}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
  return [...text.matchAll(/^domain_circuit_state\{service="([^"]+)",state="([^"]+)"\} 1$/gm)].map(
    ([, service = '', state = '']) => ({ service, state }),
  );
}

/** The bridge's lag per topic it has committed on: messages beyond its committed offsets. */
async function bridgeLag(ctx: OpsContext): Promise<{ topic: string; lag: number }[]> {
  const admin = ctx.kafka().admin();
  await admin.connect();
  try {
    const topics = (await admin.fetchOffsets({ groupId: ctx.config.BRIDGE_GROUP_ID })).map((t) => t.topic);
    const lags = new Map<string, number>();
    for (const { topic, lag } of await consumerLag(admin, ctx.config.BRIDGE_GROUP_ID, topics))
      lags.set(topic, (lags.get(topic) ?? 0) + lag);
    return [...lags].map(([topic, lag]) => ({ topic, lag }));
  } finally {
    await admin.disconnect();
  }
}

export const status: OpsCommand = {
  name: 'status',
  summary: 'engines, platform processes, Kafka lag and workflow counts',
  description: `Shows whether each engine answers (Temporal, Kafka, Cassandra, Redis; the trace viewer, which may be
down without the platform being unhealthy), whether each platform process
answers its health check (api, bridge, worker, domain services) and how many workers poll the task
queue, the worker's circuit breaker per domain service, the bridge's Kafka consumer lag per topic, and
open and recently failed workflow counts.
Exits 1 when an engine or a process is down.`,
  example: 'npm run ops -- status',
  async run(_input, ctx, out) {
    const { config } = ctx;
    let healthy = true;
    out.line('engines');
    // Asked as any client would, at the configured addresses: the same answer locally and in production.
    const engines = await Promise.all(
      engineProbes(config).map(async (engine) => ({
        ...engine,
        failure: await engine.probe().then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        ),
      })),
    );
    for (const { name, where, failure, optional } of engines) {
      healthy &&= failure === undefined || optional === true;
      out.line(
        `  ${name.padEnd(12)} ${failure === undefined ? 'up' : 'down'}  ${where}${failure === undefined ? '' : `  (${failure})`}`,
      );
    }
    const { client } = await ctx.temporal();
    out.line('processes');
    const processes: [string, string][] = [
      ['api', `http://${config.STACK_HOST}:${config.API_PORT}/healthz`],
      ['bridge', `http://${config.STACK_HOST}:${config.BRIDGE_PORT}/healthz`],
      ['worker', `http://${config.STACK_HOST}:${config.WORKER_PORT}/healthz`],
      ['accounts', `${config.ACCOUNTS_URL}/healthz`],
      ['partners', `${config.PARTNERS_URL}/healthz`],
      ['transactions', `${config.TRANSACTIONS_URL}/healthz`],
      ['offers', `${config.OFFERS_URL}/healthz`],
    ];
    for (const [name, url] of processes) {
      const state = await httpHealth(url);
      healthy &&= state === 'up';
      out.line(`  ${name.padEnd(12)} ${state}`);
    }
    const queue = await client.workflowService.describeTaskQueue({
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: { name: config.TEMPORAL_TASK_QUEUE },
      taskQueueType: 1,
    });
    const pollers = queue.pollers?.length ?? 0;
    healthy &&= pollers > 0;
    out.line(
      `  ${'pollers'.padEnd(12)} ${pollers > 0 ? `${pollers} on ${config.TEMPORAL_TASK_QUEUE}` : 'none (no worker polls the task queue)'}`,
    );

    // A breaker that is not closed means that service's sections are shown from their snapshots.
    const workerUrl = `http://${config.STACK_HOST}:${config.WORKER_PORT}`;
    out.line(`circuit breakers of the worker at ${workerUrl}`);
    const circuits = await circuitStates(workerUrl).catch(() => undefined);
    if (!circuits) out.line('  unavailable: its /metrics does not answer');
    for (const { service, state } of circuits ?? []) out.line(`  ${service.padEnd(12)} ${state}`);

    out.line(`kafka lag of consumer group ${config.BRIDGE_GROUP_ID}`);
    const lags = await bridgeLag(ctx).catch((error: unknown) => {
      out.line(`  unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    });
    for (const { topic, lag } of lags) out.line(`  ${topic.padEnd(24)} ${lag}`);
    if (lags.length === 0) out.line('  (the group has committed nothing yet)');

    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    const count = async (query: string) => (await client.workflow.count(query)).count;
    out.line('workflows');
    out.line(`  open                                   ${await count(`ExecutionStatus = 'Running'`)}`);
    for (const type of ['rebuildDashboard', 'changePreferences', 'rebuildMany', 'eraseUser']) {
      const n = await count(
        `WorkflowType = '${type}' AND ExecutionStatus IN ('Failed', 'TimedOut') AND CloseTime > '${dayAgo}'`,
      );
      out.line(`  ${`${type} failed in the last 24 h`.padEnd(38)} ${n}`);
    }
    out.line('  (ops failed --since 24h lists the failed rebuilds; preference conflicts fail by design)');
    return healthy ? 0 : 1;
  },
};
