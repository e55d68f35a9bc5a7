import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import pino from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigError, loadConfig, taskQueues } from '../config/index.js';
import { traceLogFields } from '../adapters/telemetry/trace-context.js';
import { startTracing } from '../adapters/telemetry/tracing.js';
import { createActivityDeps } from './activity-deps.js';
import { bundleWorkflowsInChild, prebuiltBundle } from './bundle-workflows.js';
import { createDashboardWorkers } from './create-worker.js';
import { temporalLogger } from './temporal-logger.js';
import { createWorkerHttp } from './worker-http.js';
import { createWorkerMetrics } from './worker-metrics.js';

/**
 * The Temporal worker process: all workflows and activities, on the batch and the interactive task
 * queue; /metrics and /healthz on WORKER_PORT once it polls.
 */
/** How long closing the clients may take once the workers have stopped. */
const CLOSE_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = await startTracing('dashboard-worker', config);
  const traced = config.OTEL_TRACES_EXPORTER !== 'none';
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'dashboard-worker' }, mixin: traceLogFields });
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      // The native core's warnings and errors reach pino too, instead of going straight to stderr.
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      // Named as Prometheus names ours: durations in seconds with a _seconds suffix, counters ending in _total.
      metrics: {
        prometheus: {
          bindAddress: `127.0.0.1:${config.WORKER_SDK_METRICS_PORT}`,
          useSecondsForDurations: true,
          unitSuffix: true,
          countersTotalSuffix: true,
        },
      },
    },
  });
  const { deps, close } = await createActivityDeps(config, { logger });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const observer = createWorkerMetrics(registry, deps.domain);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const queues = taskQueues(config);
  const workers = await createDashboardWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    queues,
    deps: { ...deps, observer },
    workflowBundle:
      prebuiltBundle(traced ? 'workflows-traced' : 'workflows') ?? (await bundleWorkflowsInChild({ traced })),
    tracing,
  });

  let polling = true;
  const http = createWorkerHttp({
    registry,
    sdkMetricsUrl: `http://127.0.0.1:${config.WORKER_SDK_METRICS_PORT}/metrics`,
    polling: () => polling,
  });
  const server = serve(
    { fetch: http.fetch, hostname: config.BIND_HOST, port: config.WORKER_PORT },
    (info: AddressInfo) => logger.info({ url: `http://${info.address}:${info.port}` }, 'metrics and health listening'),
  );
  server.once('error', (error) => {
    logger.fatal({ err: error }, 'cannot serve /metrics and /healthz');
    process.exitCode = 1;
    workers.shutdown();
  });
  // The SDK shuts the workers down gracefully on SIGINT/SIGTERM; run() resolves once both have drained.
  logger.info({ queues, namespace: config.TEMPORAL_NAMESPACE }, 'polling task queues');
  try {
    await workers.run();
  } catch (error) {
    // A failed worker, or one stopped before its work finished (shutdownForceTime in create-worker.ts:
    // the SDK rejects with GracefulShutdownPeriodExpiredError, or with the error of disposing the
    // workflow runs it held). What they held times out on the server and other workers run it again.
    logger.error({ err: error }, 'workers stopped before their work finished: other workers run what they held');
    // Whether the clients close in time or the deadline below exits, the supervisor sees a failure.
    process.exitCode = 1;
  } finally {
    polling = false;
    // Closing the clients is bounded too: a stopping worker goes after this long whatever still waits.
    setTimeout(() => process.exit(), CLOSE_DEADLINE_MS).unref();
    server.close();
    await connection.close();
    await close();
    await tracing.shutdown();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
