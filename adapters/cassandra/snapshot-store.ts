import cassandra from 'cassandra-driver';
import { z } from 'zod';
import { toNumber } from './client.js';

/** One domain service's last answer for one user, kept so a failing service degrades to "stale", not "gone". */
export interface Snapshot {
  readonly items: unknown[];
  readonly asOf: string;
}

export interface SnapshotStore {
  save(userId: string, source: string, snapshot: Snapshot): Promise<void>;
  load(userId: string, source: string): Promise<Snapshot | undefined>;
  erase(userId: string): Promise<number>;
}

/** A source's snapshot, and which source it is: what a build saves with its view. */
export interface SourceSnapshot extends Snapshot {
  readonly source: string;
}

const snapshotRow = z.object({ items: z.string(), as_of: z.date() });
const writtenRow = z.object({ written: z.unknown().transform(toNumber) });

/**
 * The statement that saves one snapshot at a write timestamp (microseconds): alone, or in a batch
 * with the view built from it at that view's timestamp, so an older build's snapshots do not replace
 * a newer one's.
 */
export const saveSnapshotStatement = (
  userId: string,
  { source, items, asOf }: SourceSnapshot,
  timestamp: cassandra.types.Long,
) => ({
  query: 'INSERT INTO domain_snapshots (user_id, source, items, as_of) VALUES (?, ?, ?, ?) USING TIMESTAMP ?',
  params: [userId, source, JSON.stringify(items), new Date(asOf), timestamp],
});

export function createSnapshotStore(client: cassandra.Client): SnapshotStore {
  return {
    async save(userId, source, snapshot) {
      const now = cassandra.types.Long.fromNumber(Date.now() * 1000);
      const { query, params } = saveSnapshotStatement(userId, { source, ...snapshot }, now);
      await client.execute(query, params);
    },

    async load(userId, source) {
      const row = (
        await client.execute('SELECT items, as_of FROM domain_snapshots WHERE user_id = ? AND source = ?', [
          userId,
          source,
        ])
      ).first();
      if (!row) return undefined;
      const parsed = snapshotRow.parse(row);
      // Items are validated by the caller against the source's own schema.
      return { items: z.array(z.unknown()).parse(JSON.parse(parsed.items)), asOf: parsed.as_of.toISOString() };
    },

    async erase(userId) {
      const rows = (
        await client.execute('SELECT WRITETIME(items) AS written FROM domain_snapshots WHERE user_id = ?', [userId])
      ).rows;
      if (rows.length === 0) return 0;
      // Saved at their view's version, which a fast run of builds can put a little past the clock: the
      // delete is past every one of them, so it shadows them all.
      const newest = Math.max(...rows.map((row) => writtenRow.parse(row).written));
      await client.execute('DELETE FROM domain_snapshots USING TIMESTAMP ? WHERE user_id = ?', [
        cassandra.types.Long.fromNumber(Math.max(Date.now() * 1000, newest + 1)),
        userId,
      ]);
      return rows.length;
    },
  };
}
