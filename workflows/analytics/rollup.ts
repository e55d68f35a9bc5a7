import { defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AnalyticsActivities } from '../../activities/analytics.js';
import { addDays, daysBetween, utcDay } from './days.js';

/**
 * A rollup waits out an analytics store that is away (a schedule's next run would redo the day
 * anyway, but a backfill should finish): retried with backoff for up to six hours, then failed.
 */
const { rollupDay, expireRawEvents } = proxyActivities<AnalyticsActivities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '6 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export interface RollupInput {
  /** hourly: today so far. daily: the two days before today, final, then raw events past retention. */
  readonly kind: 'hourly' | 'daily';
  readonly retentionDays: number;
}

export interface RollupSummary {
  readonly days: { day: string; rawEvents: number }[];
  readonly expired: number;
}

/** Run by the Temporal Schedules the analytics process keeps (analytics-schedules.ts). */
export async function rollupAnalytics(input: RollupInput): Promise<RollupSummary> {
  const today = utcDay(Date.now());
  if (input.kind === 'hourly') return { days: [await rollupDay(today, false)], expired: 0 };
  // The day before yesterday again: events that arrived late (a consumer that was behind) still count.
  const days = [await rollupDay(addDays(today, -2), true), await rollupDay(addDays(today, -1), true)];
  return { days, expired: await expireRawEvents(addDays(today, -input.retentionDays)) };
}

export interface BackfillInput {
  readonly from: string;
  readonly to: string;
}

export interface BackfillProgress {
  readonly total: number;
  readonly done: number;
  readonly current?: string;
}

export const backfillProgressQuery = defineQuery<BackfillProgress>('progress');

/** Rolls up a range of days again (`ops analytics backfill`), one at a time, reporting progress. */
export async function backfillAnalytics(input: BackfillInput): Promise<RollupSummary> {
  const today = utcDay(Date.now());
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
