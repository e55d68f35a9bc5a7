import cassandra from 'cassandra-driver';
import { z } from 'zod';
import { CanonicalDashboard } from '../../dashboard/index.js';
import { toNumber } from './client.js';
import { saveSnapshotStatement, type SourceSnapshot } from './snapshot-store.js';

export type WriteViewResult = { readonly written: true } | { readonly written: false; readonly storedVersion: number };

/** The canonical dashboard per user: the view of record the API renders from on a cache miss. */
export interface ViewStore {
  load(userId: string): Promise<CanonicalDashboard | undefined>;
  /**
   * Writes the view, and the snapshots of the sources it was built from; a newer version stored
   * already stays with its snapshots (an older build never overwrites a newer one).
   */
  write(view: CanonicalDashboard, snapshots?: readonly SourceSnapshot[]): Promise<WriteViewResult>;
  /** A page of user ids that have a view (for operator-wide rebuilds); a full scan, never on a hot path. */
  listUsers(limit: number, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }>;
  erase(userId: string): Promise<number>;
}

const viewRow = z.object({ view_version: z.unknown().transform(toNumber), doc: z.string() });
const versionRow = viewRow.pick({ view_version: true });

export function createViewStore(client: cassandra.Client): ViewStore {
  const storedVersion = async (userId: string): Promise<number | undefined> => {
    const row = (await client.execute('SELECT view_version FROM dashboard_views WHERE user_id = ?', [userId])).first();
    return row ? versionRow.parse(row).view_version : undefined;
  };

  return {
    async load(userId) {
      const row = (
        await client.execute('SELECT view_version, doc FROM dashboard_views WHERE user_id = ?', [userId])
      ).first();
      return row ? CanonicalDashboard.parse(JSON.parse(viewRow.parse(row).doc)) : undefined;
    },

    async write(view, snapshots = []) {
      // The write's timestamp is the view's version (in microseconds, the scale Cassandra's own
      // timestamps use), so among concurrent and late writes the newest version wins as every reader
      // sees it, with no Paxos round: one plain write and one read instead of a lightweight transaction
      // (four round trips). The read tells this build whether it won, which the cache and the
      // announcement depend on.
      const timestamp = cassandra.types.Long.fromNumber(view.version * 1000);
      const viewStatement = {
        query:
          'INSERT INTO dashboard_views (user_id, view_version, doc, built_at) VALUES (?, ?, ?, ?) USING TIMESTAMP ?',
        params: [view.userId, view.version, JSON.stringify(view), new Date(view.builtAt), timestamp],
      };
      // One partition key in one keyspace: Cassandra applies the batch as one mutation, one append to
      // the commit log and one sync, where the view and four snapshots written apart took five
      // (bench/README.md round 19). Unlogged: a single mutation is atomic without the batch log.
      const snapshotStatements = snapshots.map((snapshot) => saveSnapshotStatement(view.userId, snapshot, timestamp));
      if (snapshotStatements.length === 0) await client.execute(viewStatement.query, viewStatement.params);
      else await client.batch([viewStatement, ...snapshotStatements], { logged: false });
      const stored = await storedVersion(view.userId);
      return stored === view.version ? { written: true } : { written: false, storedVersion: stored ?? 0 };
    },

    async listUsers(limit, cursor) {
      const result = await client.execute('SELECT user_id FROM dashboard_views', [], {
        fetchSize: limit,
        ...(cursor ? { pageState: cursor } : {}),
      });
      return {
        userIds: result.rows.map((r) => String(r['user_id'])),
        ...(result.pageState ? { nextCursor: result.pageState } : {}),
      };
    },

    async erase(userId) {
      const stored = await storedVersion(userId);
      if (stored === undefined) return 0;
      // On the versions' timestamp scale, and past the stored one, so the delete shadows every write so far.
      await client.execute('DELETE FROM dashboard_views USING TIMESTAMP ? WHERE user_id = ?', [
        cassandra.types.Long.fromNumber(Math.max(Date.now(), stored + 1) * 1000),
        userId,
      ]);
      return 1;
    },
  };
}
