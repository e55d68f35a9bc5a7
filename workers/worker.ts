import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../config/index.js';
import { createActivityDeps } from './activity-deps.js';
import { createDashboardWorker } from './create-worker.js';

/** The Temporal worker process: all workflows and activities on the configured task queue. */
async function main(): Promise<void> {
  const config = loadConfig();
  const { deps, close } = await createActivityDeps(config);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createDashboardWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, deps });
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves once it has drained.
  console.log(`worker: polling task queue ${config.TEMPORAL_TASK_QUEUE} in namespace ${config.TEMPORAL_NAMESPACE}`);
  try {
    await worker.run();
  } finally {
    await connection.close();
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
