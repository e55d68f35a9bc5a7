import type { Client } from '@temporalio/client';
import type { TaskQueues } from '../../config/index.js';

/** A visibility filter for runs on any of these task queues. */
export function taskQueueFilter(queues: readonly string[]): string {
  return `TaskQueue IN (${queues.map((q) => `'${q.replaceAll("'", '')}'`).join(', ')})`;
}

/**
 * Terminates every workflow still running on a deployment's task queues. For test and benchmark queues
 * whose workers are going away: with one workflow id per user, a rebuild left open there would
 * capture later requests for that user and never run them.
 */
export async function terminateOpenWorkflows(client: Client, queues: TaskQueues, reason: string): Promise<void> {
  for await (const open of client.workflow.list({
    query: `${taskQueueFilter(Object.values(queues))} AND ExecutionStatus = 'Running'`,
  })) {
    await client.workflow
      .getHandle(open.workflowId, open.runId)
      .terminate(reason)
      .catch(() => undefined);
  }
}
