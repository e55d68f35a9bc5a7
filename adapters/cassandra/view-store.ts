import type cassandra from 'cassandra-driver';
import { z } from 'zod';
import { CanonicalDashboard } from '../../dashboard/index.js';
import { applied, toNumber } from './client.js';

export type WriteViewResult = { readonly written: true } | { readonly written: false; readonly storedVersion: number };

/** The canonical dashboard per user: the view of record the API renders from on a cache miss. */
export interface ViewStore {
  load(userId: string): Promise<CanonicalDashboard | undefined>;
  /** Writes the view unless a newer (or the same) version is stored: an older build never overwrites a newer one. */
  write(view: CanonicalDashboard): Promise<WriteViewResult>;
  /** A page of user ids that have a view (for operator-wide rebuilds); a full scan, never on a hot path. */
  listUsers(limit: number, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }>;
  erase(userId: string): Promise<number>;
}

const viewRow = z.object({ view_version: z.unknown().transform(toNumber), doc: z.string() });

export function createViewStore(client: cassandra.Client): ViewStore {
  return {
    async load(userId) {
      const row = (await client.execute('SELECT view_version, doc FROM dashboard_views WHERE user_id = ?', [userId])).first();
      return row ? CanonicalDashboard.parse(JSON.parse(viewRow.parse(row).doc)) : undefined;
    },

    async write(view) {
      const doc = JSON.stringify(view);
      const builtAt = new Date(view.builtAt);
      // Lightweight transactions make the version check and the write one atomic step. The update is
      // tried first because the row usually exists; a missing row gets an insert-if-absent, and a race
      // between two first builds is settled by going round once more.
      for (let attempt = 0; attempt < 3; attempt++) {
        const updated = await client.execute('UPDATE dashboard_views SET doc = ?, built_at = ?, view_version = ? WHERE user_id = ? IF view_version < ?', [doc, builtAt, view.version, view.userId, view.version]);
        if (applied(updated)) return { written: true };
        const stored = updated.first()?.['view_version'];
        if (stored !== null && stored !== undefined) return { written: false, storedVersion: toNumber(stored) };
        const inserted = await client.execute('INSERT INTO dashboard_views (user_id, view_version, doc, built_at) VALUES (?, ?, ?, ?) IF NOT EXISTS', [view.userId, view.version, doc, builtAt]);
        if (applied(inserted)) return { written: true };
      }
      throw new Error(`could not settle the view version of ${view.userId} after 3 rounds`);
    },

    async listUsers(limit, cursor) {
      const result = await client.execute('SELECT user_id FROM dashboard_views', [], { fetchSize: limit, ...(cursor ? { pageState: cursor } : {}) });
      return { userIds: result.rows.map((r) => String(r['user_id'])), ...(result.pageState ? { nextCursor: result.pageState } : {}) };
    },

    async erase(userId) {
      const existed = (await client.execute('SELECT user_id FROM dashboard_views WHERE user_id = ?', [userId])).rowLength;
      await client.execute('DELETE FROM dashboard_views WHERE user_id = ?', [userId]);
      return existed;
    },
  };
}
