import { createAnalyticsStore } from '../../adapters/postgres/analytics-store.js';
import { createPostgresPool } from '../../adapters/postgres/client.js';
import { migrateAnalytics } from '../../adapters/postgres/migrate.js';
import { summarize } from '../lib/stats.js';
import type { BenchRun } from './context.js';

export interface AnalyticsRollupResult {
  readonly rawEvents: number;
  /** Seconds to write the day's raw events (server-side generation: the store's write cost, not Kafka's). */
  readonly seedSeconds: number;
  /** Each rollup of the whole day, and their median. */
  readonly rollupSeconds: number[];
  readonly medianSeconds: number;
}

const SCHEMA = 'bench_rollup';
const DAY = '2026-01-15';
const ROLLUPS = 3;

/**
 * One day of raw events in the analytics store (a schema of the benchmark's own, made afresh), in the
 * mix the platform produces: mostly dashboard views, then rebuild announcements, preference changes
 * with their documents, and purchases. Then the day's rollup, three times: the time an hourly or daily
 * rollup takes for a day that size.
 */
export async function analyticsRollup({ platform, size, log }: BenchRun): Promise<AnalyticsRollupResult> {
  const pool = createPostgresPool({
    url: platform.config.ANALYTICS_DATABASE_URL,
    schema: SCHEMA,
    statementTimeoutMs: 600_000,
  });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await migrateAnalytics(pool, SCHEMA);
    const n = size.rollupEvents;
    const users = Math.max(1, Math.floor(n / 5));
    log(`analytics rollup: seeding ${n} raw events of one day`);
    const seedStarted = performance.now();
    const seed = (type: string, count: number, data: string) =>
      pool.query(
        `INSERT INTO raw_events (event_id, type, user_id, occurred_at, day, data)
         SELECT '${type}-' || i, '${type}', 'u-' || (i % $2), $1::date + (i % 86400) * interval '1 second', $1::date, ${data}
         FROM generate_series(1, $3::int) AS i`,
        [DAY, users, count],
      );
    await seed(
      'DashboardViewed',
      Math.round(n * 0.8),
      `jsonb_build_object('platform', (ARRAY['ios', 'android', 'web'])[1 + i % 3],
         'appVersion', (ARRAY['3.2.0', '4.0.0', '4.1.0', '4.2.0'])[1 + (i / 3) % 4], 'profile', 'ios-v4',
         'source', (ARRAY['cache', 'cache', 'cache', 'cache', 'view', 'rebuild'])[1 + i % 6],
         'latencyMs', (i % 97) * 0.7, 'etagHit', i % 4 = 0,
         'offerIds', CASE WHEN i % 2 = 0 THEN '["offer-1", "offer-2"]'::jsonb ELSE '[]'::jsonb END)`,
    );
    await seed(
      'DashboardUpdated',
      Math.round(n * 0.15),
      `jsonb_build_object('trigger', (ARRAY['event', 'event', 'miss', 'preferences'])[1 + i % 4], 'lagMs', i % 900)`,
    );
    await seed(
      'PreferencesChanged',
      Math.round(n * 0.04),
      `jsonb_build_object('preferences', jsonb_build_object('layout', (ARRAY['list', 'grid', 'compact'])[1 + i % 3],
         'sections', jsonb_build_object(
           'accounts', jsonb_build_object('sort', 'custom', 'order', '["a-1", "a-2"]'::jsonb, 'hidden', '["a-3"]'::jsonb, 'pinned', '[]'::jsonb),
           'partners', jsonb_build_object('sort', 'alphabetical', 'order', '[]'::jsonb, 'hidden', '[]'::jsonb, 'pinned', '["p-2"]'::jsonb),
           'widgets', jsonb_build_object('sort', 'priority', 'order', '[]'::jsonb, 'hidden', '[]'::jsonb, 'pinned', '[]'::jsonb))))`,
    );
    await seed('ContractPurchased', Math.round(n * 0.01), `jsonb_build_object('offerId', 'offer-' || (1 + i % 2))`);
    await pool.query('ANALYZE raw_events');
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const store = createAnalyticsStore(pool);
    const rollupSeconds: number[] = [];
    for (let round = 1; round <= ROLLUPS; round++) {
      const started = performance.now();
      const { rawEvents } = await store.rollupDay(DAY, true);
      rollupSeconds.push((performance.now() - started) / 1000);
      log(`analytics rollup: ${rawEvents} raw events rolled up in ${rollupSeconds.at(-1)?.toFixed(1)} s`);
    }
    return { rawEvents: n, seedSeconds, rollupSeconds, medianSeconds: summarize(rollupSeconds).p50 };
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await pool.end();
  }
}
