import { randomBytes } from 'node:crypto';
import cassandra from 'cassandra-driver';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { applied } from './client.js';
import { USER_KEY_CACHE_TTL_MS } from '../../contract/workflows.js';
import type { Config } from '../../config/index.js';

/** A user's encryption key: `keyId` names it in what it sealed, so a later key never passes for it. */
export interface UserKey {
  readonly userId: string;
  readonly keyId: string;
  readonly secret: Buffer;
}

/**
 * Per-user keys for crypto-shredding: what is sealed with a user's key (Temporal payloads, personal
 * event bodies) can be read only while the key exists, and erasure deletes it.
 */
export interface UserKeyStore {
  /** The user's key, made on first use. */
  keyFor(userId: string): Promise<UserKey>;
  /** The key that sealed something, or undefined once it was erased. */
  find(userId: string, keyId: string): Promise<UserKey | undefined>;
  /** Deletes the user's key; how many there were (0 or 1). */
  erase(userId: string): Promise<number>;
}

const keyRow = z.object({
  key_id: z.instanceof(cassandra.types.Uuid).transform(String),
  secret: z.instanceof(Buffer).refine((b) => b.length === 32, 'a key is 32 bytes'),
});

/**
 * How a process caches users' keys. A key read from Cassandra is used for `cacheTtlMs`, then read
 * again. While that read fails (Cassandra away), the process goes on with its copy for up to
 * `staleIfErrorMs` more: every payload of a user's workflow tasks is opened with their key, so
 * without it each task failed through an outage, and after one the failed tasks waited out their
 * timeouts (chaos/README.md). An erasure waits out both (`keyCopiesLastMs`).
 */
export interface UserKeyCacheOptions {
  readonly cacheTtlMs?: number;
  readonly staleIfErrorMs?: number;
  readonly maxCached?: number;
}

/** The cache options a deployment runs with (config USER_KEY_STALE_IF_ERROR_MS). */
export function userKeyCacheOptions(config: Pick<Config, 'USER_KEY_STALE_IF_ERROR_MS'>): UserKeyCacheOptions {
  return { cacheTtlMs: USER_KEY_CACHE_TTL_MS, staleIfErrorMs: config.USER_KEY_STALE_IF_ERROR_MS };
}

/** How long after a key was deleted a process may still hold a copy it uses: what an erasure waits. */
export function keyCopiesLastMs(options: UserKeyCacheOptions): number {
  return (options.cacheTtlMs ?? USER_KEY_CACHE_TTL_MS) + (options.staleIfErrorMs ?? 0);
}

/** A refresh with a copy to fall back on gives up sooner than the driver's 5 s (a frozen Cassandra). */
const REFRESH_TIMEOUT_MS = 1_000;

export function createUserKeyStore(client: cassandra.Client, options: UserKeyCacheOptions = {}): UserKeyStore {
  const cacheTtlMs = options.cacheTtlMs ?? USER_KEY_CACHE_TTL_MS;
  // Every payload of a user's workflow task is sealed or opened with their key: without a cache each
  // task would cost Cassandra reads. The cache's own ttl is the hard bound on any copy's use.
  const cache = new LRUCache<string, { key: UserKey; readAt: number }>({
    max: options.maxCached ?? 100_000,
    ttl: keyCopiesLastMs(options),
  });
  const fresh = (userId: string) => {
    const entry = cache.get(userId);
    return entry && Date.now() - entry.readAt < cacheTtlMs ? entry.key : undefined;
  };
  const remember = (key: UserKey) => {
    cache.set(key.userId, { key, readAt: Date.now() });
    return key;
  };
  const toKey = (userId: string, row: cassandra.types.Row) => {
    const parsed = keyRow.parse(row);
    return { userId, keyId: parsed.key_id, secret: parsed.secret };
  };
  const read = async (userId: string): Promise<UserKey | undefined> => {
    const copy = cache.get(userId)?.key;
    let row: cassandra.types.Row | undefined;
    try {
      row = (
        await client.execute('SELECT key_id, secret FROM user_keys WHERE user_id = ?', [userId], {
          ...(copy ? { readTimeout: REFRESH_TIMEOUT_MS } : {}),
        })
      ).first();
    } catch (error) {
      if (copy) return copy;
      throw error;
    }
    if (!row) {
      cache.delete(userId);
      return undefined;
    }
    return remember(toKey(userId, row));
  };
  // A burst of one user's payloads (a hundred signals, or every task after the copy expired) reads
  // the key once.
  const readOnce = oncePerUser(read);
  const stored = async (userId: string): Promise<UserKey | undefined> => fresh(userId) ?? readOnce(userId);

  // Two processes may make a user's first key at once: the transaction keeps the first, and the loser
  // uses the row it returns, so a user never has two keys.
  const make = async (userId: string): Promise<UserKey> => {
    const existing = await stored(userId);
    if (existing) return existing;
    const made = { userId, keyId: cassandra.types.Uuid.random(), secret: randomBytes(32) };
    const result = await client.execute(
      'INSERT INTO user_keys (user_id, key_id, secret, created_at) VALUES (?, ?, ?, ?) IF NOT EXISTS',
      [userId, made.keyId, made.secret, new Date()],
    );
    const theirs = applied(result) ? undefined : result.first();
    return remember(theirs ? toKey(userId, theirs) : { ...made, keyId: String(made.keyId) });
  };
  // A burst of a new user's requests in one process (100 signals at once) reads and makes the key once:
  // as many transactions on one partition contend in Paxos until they time out.
  const makeOnce = oncePerUser(make);

  return {
    async keyFor(userId) {
      return fresh(userId) ?? makeOnce(userId);
    },

    async find(userId, keyId) {
      const key = await stored(userId);
      return key?.keyId === keyId ? key : undefined;
    },

    async erase(userId) {
      cache.delete(userId);
      // A transaction like the insert, so the two are ordered by Paxos rather than by clocks.
      return applied(await client.execute('DELETE FROM user_keys WHERE user_id = ? IF EXISTS', [userId])) ? 1 : 0;
    },
  };
}

/** Calls `run` once per user at a time: callers while it runs share its answer. */
function oncePerUser<T>(run: (userId: string) => Promise<T>): (userId: string) => Promise<T> {
  const running = new Map<string, Promise<T>>();
  return (userId) => {
    let call = running.get(userId);
    if (call === undefined) {
      call = run(userId).finally(() => running.delete(userId));
      running.set(userId, call);
    }
    return call;
  };
}
