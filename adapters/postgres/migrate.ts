import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { inTransaction } from './client.js';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Creates the schema and applies the SQL files in migrations/ in name order, each once. PostgreSQL runs
 * DDL inside transactions, so a file and its record are applied together or not at all: that is the
 * whole job of a migration tool here, and a library would add a format of its own for nothing more.
 * Concurrent runs (several analytics processes starting) are serialised by an advisory lock.
 */
export async function migrateAnalytics(pool: pg.Pool, schema: string): Promise<string[]> {
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('analytics-migrations'))`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET LOCAL search_path = ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL)`,
    );
    const done = new Set(
      (await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id),
    );
    const applied: string[] = [];
    for (const file of readdirSync(migrationsDir)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      if (done.has(file)) continue;
      await client.query(readFileSync(migrationsDir + file, 'utf8'));
      await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, now())', [file]);
      applied.push(file);
    }
    return applied;
  });
}
