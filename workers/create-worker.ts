import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import {
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import type { TaskQueues } from '../config/index.js';
import { Resource } from '@opentelemetry/resources';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { tracedWorkerOptions, workflowTracingModule } from '../adapters/telemetry/temporal-tracing.js';
import type { Tracing } from '../adapters/telemetry/tracing.js';
import { modulePath } from './module-path.js';
import { createUserPayloadCodec } from '../adapters/temporal/user-payload-codec.js';

export const workflowsPath = modulePath('../workflows/index', import.meta.url);

/** webpack's warnings and errors, not its progress lines. */
export const quietBundler = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

/**
 * The workflow code bundled once, shared by the two workers of a process (and by tests' workers).
 * `traced` adds Temporal's OpenTelemetry workflow interceptors, which only open spans (replay is the
 * same either way); only a traced process carries them, since they make the bundle 1.9 MB larger and
 * each workflow thread holds its copy (measured: an idle worker 246 MiB without, 279 MiB with).
 */
export function bundleWorkflows(options: { traced?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: options.traced ? [workflowTracingModule] : [],
    logger: quietBundler,
  });
}

export interface DashboardWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly queues: TaskQueues;
  readonly deps: ActivityDeps;
  readonly workflowBundle?: WorkflowBundleOption;
  /** Where workflow and activity spans go (startTracing); without it they are dropped. */
  readonly tracing?: Pick<Tracing, 'spanProcessor' | 'resource'>;
}

/** Both workers of a process: run() resolves when both have drained, shutdown() stops both. */
export interface DashboardWorkers {
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * Slots and caches per queue, bounded so the worker's memory stays bounded (bench/README.md has the
 * measurements). Interactive runs (one per user with a miss or a preference change) are cached so a
 * follow-up request finds its run warm; a batch run completes in its first task, so caching it only
 * costs memory. A batch's local activity builds up to 16 users at once.
 */
const SIZING = {
  interactive: {
    maxCachedWorkflows: 100,
    maxConcurrentWorkflowTaskExecutions: 20,
    maxConcurrentLocalActivityExecutions: 40,
    maxConcurrentActivityTaskExecutions: 20,
  },
  batch: {
    maxCachedWorkflows: 20,
    maxConcurrentWorkflowTaskExecutions: 8,
    nonStickyToStickyPollRatio: 1,
    maxConcurrentLocalActivityExecutions: 3,
    maxConcurrentActivityTaskExecutions: 2,
  },
} satisfies Record<keyof TaskQueues, Partial<WorkerOptions>>;

/**
 * Two workers in one process, one per task queue, both running every workflow and activity: work a
 * person waits for (cache misses, preference changes) has its own queue and slots, so it never waits
 * behind an event storm or an operator's bulk run.
 */
export async function createDashboardWorkers(options: DashboardWorkerOptions): Promise<DashboardWorkers> {
  const workflowBundle = options.workflowBundle ?? (await bundleWorkflows());
  const activities = createActivities(options.deps);
  const traced = tracedWorkerOptions(
    options.tracing ?? { spanProcessor: new NoopSpanProcessor(), resource: Resource.empty() },
  );
  const workers = await Promise.all(
    (Object.keys(SIZING) as (keyof TaskQueues)[]).map((kind) =>
      Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: options.queues[kind],
        workflowBundle,
        activities,
        // A user's payloads are sealed with their key before they reach the history (crypto-shredding).
        dataConverter: { payloadCodecs: [createUserPayloadCodec(options.deps.keys)] },
        ...traced,
        ...SIZING[kind],
        // In-flight activities get this long to finish on SIGTERM before they are cancelled.
        shutdownGraceTime: '10 seconds',
        // And the drain this long in all: an activity that ignores its cancellation must not keep a stopping
        // worker alive for ever (the full chaos run's "worker-1 stopped" waited past 120 s). What it leaves
        // behind times out on the server and is retried by another worker.
        shutdownForceTime: '30 seconds',
      }),
    ),
  );
  const shutdown = () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    async run() {
      // One worker failing stops the other, so the process exits instead of serving half its queues.
      await Promise.all(
        workers.map((worker) =>
          worker.run().catch((error: unknown) => {
            shutdown();
            throw error;
          }),
        ),
      );
    },
    shutdown,
  };
}
