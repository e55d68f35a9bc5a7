import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig, taskQueues } from '../config/index.js';
import { createActivityDeps } from './activity-deps.js';
import { bundleWorkflowsInChild } from './bundle-workflows.js';
import { createDashboardWorkers } from './create-worker.js';

/** The Temporal worker process: all workflows and activities, on the batch and the interactive task queue. */
async function main(): Promise<void> {
  const config = loadConfig();
  const { deps, close } = await createActivityDeps(config);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const queues = taskQueues(config);
  const workers = await createDashboardWorkers({ connection, namespace: config.TEMPORAL_NAMESPACE, queues, deps, workflowBundle: await bundleWorkflowsInChild() });
  // The SDK shuts the workers down gracefully on SIGINT/SIGTERM; run() resolves once both have drained.
  console.log(`worker: polling task queues ${queues.batch} and ${queues.interactive} in namespace ${config.TEMPORAL_NAMESPACE}`);
  try {
    await workers.run();
  } finally {
    await connection.close();
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
