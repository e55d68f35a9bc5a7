import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createAnalyticsActivities, type AnalyticsActivityDeps } from '../../activities/analytics.js';

export const analyticsWorkflowsPath = fileURLToPath(new URL('../../workflows/analytics/index.ts', import.meta.url));

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
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: analyticsWorkflowsPath,
    activities: createAnalyticsActivities(options.deps),
    maxConcurrentActivityTaskExecutions: 2,
  });
}
