import type { AnalyticsStore, RollupResult } from '../adapters/postgres/analytics-store.js';

export interface AnalyticsActivityDeps {
  readonly store: Pick<AnalyticsStore, 'rollupDay' | 'expireRawEvents'>;
}

/** The analytics rollups' activities: each is one idempotent statement batch in the analytics store. */
export function createAnalyticsActivities(deps: AnalyticsActivityDeps) {
  return {
    async rollupDay(day: string, complete: boolean): Promise<RollupResult> {
      return deps.store.rollupDay(day, complete);
    },
    async expireRawEvents(before: string): Promise<number> {
      return deps.store.expireRawEvents(before);
    },
  };
}

export type AnalyticsActivities = ReturnType<typeof createAnalyticsActivities>;
