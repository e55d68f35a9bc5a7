import pg from 'pg';
import type { Logger } from 'pino';

export interface PostgresPoolOptions {
  readonly url: string;
  /** Tables are looked up in this schema (tests isolate themselves by one of their own). */
  readonly schema: string;
  readonly max?: number;
  /** The server cancels a statement past this; the client gives up a little later in any case. */
  readonly statementTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * A connection pool to the analytics store where nothing waits forever: connecting, every statement
 * and an idle transaction each have a deadline.
 */
export function createPostgresPool(options: PostgresPoolOptions): pg.Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 5,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 2_000,
    idle_in_transaction_session_timeout: statementTimeoutMs,
    options: `-c search_path=${options.schema}`,
  });
  // An idle connection that breaks (the server restarted) is dropped by the pool; the next query opens a new one.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'analytics store connection lost'));
  return pool;
}

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
