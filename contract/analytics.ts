import { defineQuery } from '@temporalio/workflow';

/** What the analytics process's workflows take and answer (workflows/analytics/rollup.ts). */

export interface RollupInput {
  /** hourly: today so far. daily: the two days before today, final, then raw events past retention. */
  readonly kind: 'hourly' | 'daily';
  readonly retentionDays: number;
}

export interface RollupSummary {
  readonly days: { day: string; rawEvents: number }[];
  readonly expired: number;
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
