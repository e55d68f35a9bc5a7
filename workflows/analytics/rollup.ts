import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { AnalyticsActivities } from '../../activities/analytics.js';
import { workflowNow } from '../clock.js';
import { addDays, daysBetween, utcDay } from '../../dashboard/days.js';
import {
  backfillProgressQuery,
  type BackfillInput,
  type RollupInput,
  type RollupSummary,
} from '../../contract/analytics.js';

/**
 * A rollup waits out an analytics store that is away (a schedule's next run would redo the day
 * anyway, but a backfill should finish): retried with backoff for up to six hours, then failed.
 */
const { rollupDay, expireRawEvents } = proxyActivities<AnalyticsActivities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '6 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Run by the Temporal Schedules the analytics process keeps (adapters/temporal/analytics-workflows.ts). */
export async function rollupAnalytics(input: RollupInput): Promise<RollupSummary> {
  const today = utcDay(workflowNow());
  if (input.kind === 'hourly') return { days: [await rollupDay(today, false)], expired: 0 };
  // The day before yesterday again: events that arrived late (a consumer that was behind) still count.
  const days = [await rollupDay(addDays(today, -2), true), await rollupDay(addDays(today, -1), true)];
  return { days, expired: await expireRawEvents(addDays(today, -input.retentionDays)) };
}

/** Rolls up a range of days again (`ops analytics backfill`), one at a time, reporting progress. */
export async function backfillAnalytics(input: BackfillInput): Promise<RollupSummary> {
  const today = utcDay(workflowNow());
  const days = daysBetween(input.from, input.to);
  const results: RollupSummary['days'] = [];
  setHandler(backfillProgressQuery, () => ({
    total: days.length,
    done: results.length,
    ...(days[results.length] !== undefined ? { current: days[results.length] } : {}),
  }));
  for (const day of days) results.push(await rollupDay(day, day < today));
  return { days: results, expired: 0 };
}
