import { randomBytes } from 'node:crypto';
import cassandra from 'cassandra-driver';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { applied } from './client.js';
import { USER_KEY_CACHE_TTL_MS } from '../../contract/workflows.js';

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

export function createUserKeyStore(
  client: cassandra.Client,
  options: { cacheTtlMs?: number; maxCached?: number } = {},
): UserKeyStore {
  // Every payload of a user's workflow task is sealed or opened with their key: without a cache each
  // task would cost Cassandra reads. A bounded time, which erasure waits out before it reports done.
  const cache = new LRUCache<string, UserKey>({
    max: options.maxCached ?? 100_000,
    ttl: options.cacheTtlMs ?? USER_KEY_CACHE_TTL_MS,
  });
  const toKey = (userId: string, row: cassandra.types.Row) => {
    const parsed = keyRow.parse(row);
    return { userId, keyId: parsed.key_id, secret: parsed.secret };
  };
  const stored = async (userId: string): Promise<UserKey | undefined> => {
    const cached = cache.get(userId);
    if (cached) return cached;
    const row = (await client.execute('SELECT key_id, secret FROM user_keys WHERE user_id = ?', [userId])).first();
    if (!row) return undefined;
    const key = toKey(userId, row);
    cache.set(userId, key);
    return key;
  };

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
    const key = theirs ? toKey(userId, theirs) : { ...made, keyId: String(made.keyId) };
    cache.set(userId, key);
    return key;
  };
  // A burst of a new user's requests in one process (100 signals at once) reads and makes the key once:
  // as many transactions on one partition contend in Paxos until they time out.
  const making = new Map<string, Promise<UserKey>>();

  return {
    async keyFor(userId) {
      const cached = cache.get(userId);
      if (cached) return cached;
      let pending = making.get(userId);
      if (pending === undefined) {
        pending = make(userId).finally(() => making.delete(userId));
        making.set(userId, pending);
      }
      return pending;
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
