import type pg from 'pg';
import type { Config } from '../../config/index.js';
import { createAnalyticsStore, type AnalyticsStore } from '../../adapters/postgres/analytics-store.js';
import { createPostgresPool } from '../../adapters/postgres/client.js';
import { migrateAnalytics } from '../../adapters/postgres/migrate.js';
import { unique } from './unique.js';

export interface TestAnalytics {
  readonly pool: pg.Pool;
  readonly store: AnalyticsStore;
  readonly schema: string;
  drop(): Promise<void>;
}

/** The real analytics store, in a schema of this test's own (migrated like the platform's). */
export async function createTestAnalytics(config: Config): Promise<TestAnalytics> {
  const schema = unique('test').replace('-', '_');
  const pool = createPostgresPool({ url: config.ANALYTICS_DATABASE_URL, schema });
  await migrateAnalytics(pool, schema);
  return {
    pool,
    store: createAnalyticsStore(pool),
    schema,
    async drop() {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}
