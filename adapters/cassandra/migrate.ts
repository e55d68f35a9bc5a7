import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from 'cassandra-driver';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface MigrationResult {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

/**
 * Creates the keyspace and applies the versioned CQL files in migrations/ in name order, each once.
 * Statements are idempotent (IF NOT EXISTS), so a run interrupted half-way can simply run again.
 */
export async function migrate(client: Client, keyspace: string, replicationFactor: number): Promise<MigrationResult> {
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${replicationFactor}}`,
  );
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${keyspace}.schema_migrations (id text PRIMARY KEY, applied_at timestamp)`,
  );
  const done = new Set(
    (await client.execute(`SELECT id FROM ${keyspace}.schema_migrations`)).rows.map((r) => String(r['id'])),
  );
  const files = readdirSync(migrationsDir)
    .filter((f) => f.endsWith('.cql'))
    .sort();
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const file of files) {
    if (done.has(file)) {
      result.alreadyApplied.push(file);
      continue;
    }
    for (const statement of splitStatements(readFileSync(migrationsDir + file, 'utf8'))) {
      try {
        await client.execute(
          statement.replace(
            /\b(CREATE|ALTER|DROP) (TABLE|TYPE|INDEX)( IF (NOT )?EXISTS)? (\w+)/i,
            `$1 $2$3 ${keyspace}.$5`,
          ),
        );
      } catch (error) {
        // ALTER ... ADD has no IF NOT EXISTS: a column added by an interrupted earlier run is fine.
        if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
      }
    }
    await client.execute(
      `INSERT INTO ${keyspace}.schema_migrations (id, applied_at) VALUES (?, toTimestamp(now()))`,
      [file],
      { prepare: true },
    );
    result.applied.push(file);
  }
  return result;
}

function splitStatements(cql: string): string[] {
  return cql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
