import cassandra from 'cassandra-driver';
import { z } from 'zod';
import { Preferences, defaultPreferences } from '../../dashboard/index.js';
import { applied, toNumber } from './client.js';

/** A history cursor this store did not hand out (Cassandra refuses a forged paging state). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** Cassandra answers a forged paging state with a protocol error ("Invalid value for the paging state"). */
function isRejectedPagingState(error: unknown): boolean {
  if (!(error instanceof cassandra.errors.ResponseError)) return false;
  const codes = cassandra.types.responseErrorCodes;
  return error.code === codes.protocolError || error.code === codes.invalid;
}

export interface PreferenceHistoryEntry {
  readonly version: number;
  readonly preferences: Preferences;
  readonly requestKey: string;
  readonly changedAt: string;
}

export interface HistoryPage {
  readonly entries: PreferenceHistoryEntry[];
  /** Pass back to get the next page; absent on the last page. */
  readonly nextCursor?: string;
}

export type CompareAndSetResult = { readonly ok: true } | { readonly ok: false; readonly currentVersion: number };

/** Preferences with history: the current document per user, changed only by compare-and-set. */
export interface PreferenceStore {
  /** The stored document, or the defaults (version 0) for a user who never changed anything. */
  load(userId: string): Promise<Preferences>;
  /** The same document with the request key that stored it (none for the defaults or old rows). */
  current(userId: string): Promise<{ preferences: Preferences; requestKey?: string }>;
  /** Stores `next` if the stored version is still `expectedVersion`; idempotent for the same requestKey. */
  compareAndSet(next: Preferences, expectedVersion: number, requestKey: string): Promise<CompareAndSetResult>;
  /** One audit row per version; writing the same version again overwrites it with the same content. */
  appendHistory(entry: PreferenceHistoryEntry): Promise<void>;
  history(userId: string, limit: number, cursor?: string): Promise<HistoryPage>;
  historyVersion(userId: string, version: number): Promise<PreferenceHistoryEntry | undefined>;
  erase(userId: string): Promise<{ preferences: number; history: number }>;
}

const currentRow = z.object({
  version: z.unknown().transform(toNumber),
  doc: z.string(),
  request_key: z.string().nullable(),
});
const historyRow = z.object({
  version: z.unknown().transform(toNumber),
  doc: z.string(),
  request_key: z.string().nullable(),
  changed_at: z.date(),
});

function parseDoc(doc: string): Preferences {
  return Preferences.parse(JSON.parse(doc));
}

function toEntry(row: unknown): PreferenceHistoryEntry {
  const r = historyRow.parse(row);
  return {
    version: r.version,
    preferences: parseDoc(r.doc),
    requestKey: r.request_key ?? '',
    changedAt: r.changed_at.toISOString(),
  };
}

export function createPreferenceStore(client: cassandra.Client): PreferenceStore {
  const current: PreferenceStore['current'] = async (userId) => {
    const row = (
      await client.execute('SELECT version, doc, request_key FROM preferences WHERE user_id = ?', [userId])
    ).first();
    if (!row) return { preferences: defaultPreferences(userId) };
    const { doc, request_key } = currentRow.parse(row);
    return { preferences: parseDoc(doc), ...(request_key ? { requestKey: request_key } : {}) };
  };
  return {
    current,
    async load(userId) {
      return (await current(userId)).preferences;
    },

    async compareAndSet(next, expectedVersion, requestKey) {
      const params = [
        next.version,
        JSON.stringify(next),
        next.updatedAt ? new Date(next.updatedAt) : null,
        requestKey,
        next.userId,
      ];
      const result =
        expectedVersion === 0
          ? await client.execute(
              'INSERT INTO preferences (version, doc, updated_at, request_key, user_id) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS',
              params,
            )
          : await client.execute(
              'UPDATE preferences SET version = ?, doc = ?, updated_at = ?, request_key = ? WHERE user_id = ? IF version = ?',
              [...params, expectedVersion],
            );
      if (applied(result)) return { ok: true };
      const row = currentRow.parse(
        (
          await client.execute('SELECT version, doc, request_key FROM preferences WHERE user_id = ?', [next.userId])
        ).first(),
      );
      // Our own earlier attempt already won (the activity is being retried): that is success, not a conflict.
      if (row.version === next.version && row.request_key === requestKey) return { ok: true };
      return { ok: false, currentVersion: row.version };
    },

    async appendHistory(entry) {
      await client.execute(
        'INSERT INTO preference_history (user_id, version, doc, request_key, changed_at) VALUES (?, ?, ?, ?, ?)',
        [
          entry.preferences.userId,
          entry.version,
          JSON.stringify(entry.preferences),
          entry.requestKey,
          new Date(entry.changedAt),
        ],
      );
    },

    async history(userId, limit, cursor) {
      const result = await client
        .execute('SELECT version, doc, request_key, changed_at FROM preference_history WHERE user_id = ?', [userId], {
          fetchSize: limit,
          ...(cursor ? { pageState: cursor } : {}),
        })
        .catch((error: unknown) => {
          throw cursor !== undefined && isRejectedPagingState(error)
            ? new InvalidCursorError('the cursor is not valid')
            : error;
        });
      return { entries: result.rows.map(toEntry), ...(result.pageState ? { nextCursor: result.pageState } : {}) };
    },

    async historyVersion(userId, version) {
      const row = (
        await client.execute(
          'SELECT version, doc, request_key, changed_at FROM preference_history WHERE user_id = ? AND version = ?',
          [userId, version],
        )
      ).first();
      return row ? toEntry(row) : undefined;
    },

    async erase(userId) {
      const current = (await client.execute('SELECT user_id FROM preferences WHERE user_id = ?', [userId])).rowLength;
      const history = (
        await client.execute('SELECT version FROM preference_history WHERE user_id = ?', [userId], {
          fetchSize: 10_000,
        })
      ).rowLength;
      await client.execute('DELETE FROM preferences WHERE user_id = ?', [userId]);
      await client.execute('DELETE FROM preference_history WHERE user_id = ?', [userId]);
      return { preferences: current, history };
    },
  };
}
