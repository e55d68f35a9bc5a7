import type cassandra from 'cassandra-driver';
import { z } from 'zod';

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

const snapshotRow = z.object({ items: z.string(), as_of: z.date() });

export function createSnapshotStore(client: cassandra.Client): SnapshotStore {
  return {
    async save(userId, source, snapshot) {
      await client.execute('INSERT INTO domain_snapshots (user_id, source, items, as_of) VALUES (?, ?, ?, ?)', [
        userId,
        source,
        JSON.stringify(snapshot.items),
        new Date(snapshot.asOf),
      ]);
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
      const count = (await client.execute('SELECT source FROM domain_snapshots WHERE user_id = ?', [userId])).rowLength;
      await client.execute('DELETE FROM domain_snapshots WHERE user_id = ?', [userId]);
      return count;
    },
  };
}
