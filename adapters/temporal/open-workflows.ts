import type { Client } from '@temporalio/client';

/**
 * Terminates every workflow still running on a task queue. For test and benchmark queues whose
 * workers are going away: with one workflow id per user, a rebuild left open there would capture
 * later requests for that user and never run them.
 */
export async function terminateOpenWorkflows(client: Client, taskQueue: string, reason: string): Promise<void> {
  for await (const open of client.workflow.list({ query: `TaskQueue = '${taskQueue.replaceAll("'", '')}' AND ExecutionStatus = 'Running'` })) {
    await client.workflow.getHandle(open.workflowId, open.runId).terminate(reason).catch(() => undefined);
  }
}
