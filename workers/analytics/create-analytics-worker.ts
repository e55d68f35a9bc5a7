import { Worker, type NativeConnection } from '@temporalio/worker';
import { createAnalyticsActivities, type AnalyticsActivityDeps } from '../../activities/analytics.js';
import { prebuiltBundle } from '../bundle-workflows.js';
import { modulePath } from '../module-path.js';

export const analyticsWorkflowsPath = modulePath('../../workflows/analytics/index', import.meta.url);

/**
 * The rollup worker: the analytics workflows (a small bundle of their own) and their activities on the
 * analytics task queue. Two activities at a time: a rollup is one heavy statement batch in the store.
 */
export function createAnalyticsWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: AnalyticsActivityDeps;
}): Promise<Worker> {
  const analyticsBundle = prebuiltBundle('analytics');
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // Prebuilt in the image (npm run build); bundled at start from the sources.
    ...(analyticsBundle ? { workflowBundle: analyticsBundle } : { workflowsPath: analyticsWorkflowsPath }),
    activities: createAnalyticsActivities(options.deps),
    maxConcurrentActivityTaskExecutions: 2,
  });
}
