import type { Client } from '@temporalio/client';
import { taskQueueFilter } from '../../adapters/temporal/open-workflows.js';
import { TriggerAttribute, type Trigger } from '../../contract/workflows.js';

export interface HistoryTally {
  readonly workflows: number;
  readonly events: number;
  /** Per workflow type: which kind of run the events went to. */
  readonly byType: Record<string, { workflows: number; events: number }>;
}

/**
 * The history events Temporal recorded for the runs started on these task queues since `since`
 * (less those of one trigger, e.g. the cache misses a scenario measured on the side): what the
 * platform's use of Temporal costs, since every event is a write to Temporal's store. A run still
 * open is described, because visibility updates its length only at state changes.
 */
export async function historySince(
  client: Client,
  taskQueues: readonly string[],
  since: Date,
  options: { notTriggeredBy?: Trigger } = {},
): Promise<HistoryTally> {
  const byType: Record<string, { workflows: number; events: number }> = {};
  let workflows = 0;
  let events = 0;
  for await (const run of client.workflow.list({
    query: `${taskQueueFilter(taskQueues)} AND StartTime > '${since.toISOString()}'`,
  })) {
    if (options.notTriggeredBy && run.typedSearchAttributes.get(TriggerAttribute) === options.notTriggeredBy) continue;
    let length = run.historyLength;
    if (run.status.name === 'RUNNING' || length === 0)
      length = (await client.workflow.getHandle(run.workflowId, run.runId).describe()).historyLength;
    const tally = (byType[run.type] ??= { workflows: 0, events: 0 });
    tally.workflows++;
    tally.events += length;
    workflows++;
    events += length;
  }
  return { workflows, events, byType };
}

/** How many runs on these task queues are open now. */
export async function openRuns(client: Client, taskQueues: readonly string[]): Promise<number> {
  return (await client.workflow.count(`${taskQueueFilter(taskQueues)} AND ExecutionStatus = 'Running'`)).count;
}
