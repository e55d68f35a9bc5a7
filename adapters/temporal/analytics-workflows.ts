import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { backfillAnalytics } from '../../workflows/analytics/rollup.js';
import { backfillProgressQuery, type BackfillProgress, type RollupSummary } from '../../contract/analytics.js';

export interface RollupScheduleOptions {
  readonly taskQueue: string;
  readonly retentionDays: number;
}

/** Schedule ids carry the task queue, so a test's schedules never touch the platform's. */
export const rollupScheduleIds = (taskQueue: string) => ({
  hourly: `${taskQueue}:rollup-hourly`,
  daily: `${taskQueue}:rollup-daily`,
});

/**
 * The two rollup schedules: today's figures five minutes past every hour, and the days before today,
 * final, at 00:30 UTC with retention after them. A run still going when the next is due makes that one
 * skip; runs missed while Temporal or the analytics process was away are caught up within a day.
 */
export function rollupSchedules(options: RollupScheduleOptions): ScheduleOptions[] {
  const ids = rollupScheduleIds(options.taskQueue);
  const schedule = (scheduleId: string, kind: 'hourly' | 'daily', spec: ScheduleOptions['spec']): ScheduleOptions => ({
    scheduleId,
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: 'rollupAnalytics',
      taskQueue: options.taskQueue,
      args: [{ kind, retentionDays: options.retentionDays }],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { summary: `Analytics rollup (${kind})` },
  });
  return [
    schedule(ids.hourly, 'hourly', { intervals: [{ every: '1 hour', offset: '5 minutes' }] }),
    schedule(ids.daily, 'daily', { calendars: [{ hour: 0, minute: 30 }] }),
  ];
}

/** Creates the schedules, or brings existing ones up to date (another process or version made them). */
export async function ensureRollupSchedules(client: Client, options: RollupScheduleOptions): Promise<string[]> {
  const ids: string[] = [];
  for (const desired of rollupSchedules(options)) {
    try {
      await client.schedule.create(desired);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(desired.scheduleId).update((previous) => ({
        ...previous,
        spec: desired.spec,
        action: { ...desired.action, workflowId: previous.action.workflowId },
        policies: { ...previous.policies, ...desired.policies },
      }));
    }
    ids.push(desired.scheduleId);
  }
  return ids;
}

/**
 * Rolls up a range of days again and resolves when done; `onProgress` hears how far it got every
 * `pollMs`. One backfill per range at a time: a second request for the same range joins the first.
 */
export async function runBackfill(
  client: Client,
  options: {
    taskQueue: string;
    from: string;
    to: string;
    onProgress?: (progress: BackfillProgress) => void;
    pollMs?: number;
  },
): Promise<RollupSummary> {
  const handle = await client.workflow.start<typeof backfillAnalytics>('backfillAnalytics', {
    taskQueue: options.taskQueue,
    workflowId: `analytics-backfill:${options.taskQueue}:${options.from}:${options.to}`,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ from: options.from, to: options.to }],
    workflowExecutionTimeout: '1 day',
  });
  const result = handle.result();
  const { onProgress } = options;
  if (onProgress === undefined) return result;
  let done = false;
  void result.finally(() => (done = true)).catch(() => {});
  while (!done) {
    await Promise.race([result, new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000))]).catch(
      () => {},
    );
    if (done) break;
    onProgress(await handle.query(backfillProgressQuery).catch(() => ({ total: 0, done: 0 })));
  }
  return result;
}
