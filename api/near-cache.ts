import { LRUCache } from 'lru-cache';
import type { CacheEntry, DashboardCache } from '../adapters/redis/dashboard-cache.js';
import type { ClientProfile } from '../dashboard/index.js';
import type { UpdateFeed } from './live/stream-hub.js';

export interface NearCache extends Pick<DashboardCache, 'get' | 'put'> {
  /**
   * The entry held for this user and profile, without waiting for Redis. One read past half its time
   * to live asks Redis again in the background, so an entry that is read often never expires.
   */
  peek(userId: string, profile: ClientProfile): CacheEntry | undefined;
  readonly size: () => number;
}

export interface NearCacheOptions {
  /** Bytes of rendered dashboards held at most. */
  readonly maxBytes?: number;
  /**
   * How long an entry is served without asking Redis: the bound for what no message on the user's
   * channel announces (an update whose announcement failed and is retried later).
   */
  readonly ttlMs?: number;
}

/**
 * Ready-to-send entries of this process's recent reads in memory, in front of Redis: a repeated read
 * costs no round trip. Kept correct by the updates the process hears (every user's, see stream-hub):
 * an update drops the user's entries, a read of Redis that was under way when an update arrived is
 * not kept, and while updates cannot be heard (the subscriber connection is down) nothing is kept and
 * everything held is dropped, since what was missed is unknown.
 */
export function createNearCache(
  cache: Pick<DashboardCache, 'get' | 'put'>,
  feed: UpdateFeed,
  options: NearCacheOptions = {},
): NearCache {
  // Per user, which profiles are held, so an update drops exactly them; kept in step with evictions.
  const profilesOf = new Map<string, Set<string>>();
  const ttl = options.ttlMs ?? 10_000;
  const entries = new LRUCache<string, CacheEntry>({
    maxSize: options.maxBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (entry) => entry.body.length + 200,
    ttl,
    dispose: (_entry, key) => {
      const [userId = '', profileKey = ''] = key.split('\u0000');
      const profiles = profilesOf.get(userId);
      if (profiles?.delete(profileKey) && profiles.size === 0) profilesOf.delete(userId);
    },
  });
  // Updates heard, counted; per user the count at their last update, for a read that overlapped one.
  // Bounded: a read lasts at most the cache timeout, far less than it takes this many updates to arrive.
  let heard = 0;
  const lastUpdate = new LRUCache<string, number>({ max: 100_000 });

  const keyOf = (userId: string, profileKey: string) => `${userId}\u0000${profileKey}`;
  const drop = (userId: string) => {
    for (const profileKey of [...(profilesOf.get(userId) ?? [])]) entries.delete(keyOf(userId, profileKey));
  };
  feed.onUpdateOf((userId) => {
    lastUpdate.set(userId, ++heard);
    drop(userId);
  });
  feed.onDeaf(() => entries.clear());

  const keep = (userId: string, profileKey: string, entry: CacheEntry, heardBefore: number) => {
    if (!feed.hearing() || (lastUpdate.get(userId) ?? 0) > heardBefore) return;
    entries.set(keyOf(userId, profileKey), entry);
    let profiles = profilesOf.get(userId);
    if (profiles === undefined) profilesOf.set(userId, (profiles = new Set()));
    profiles.add(profileKey);
  };

  // Refreshed ahead: an entry read past half its TTL is asked of Redis again in the background, so a
  // read that finds one never waits (before, every entry expired however often it was read, and the
  // next read waited for Redis behind Hono: 1.5-3 % of the bench's reads, bench/README.md round 19).
  // What is served is still at most one TTL older than what Redis held. Nothing found in Redis, or
  // Redis away: what is held expires at its TTL as before (an erasure is announced, and drops it at once).
  const refreshing = new Set<string>();
  const refresh = (userId: string, profile: ClientProfile, key: string) => {
    if (refreshing.has(key)) return;
    refreshing.add(key);
    const heardBefore = heard;
    cache
      .get(userId, profile)
      .then(
        (entry) => entry && keep(userId, profile.key, entry, heardBefore),
        () => undefined,
      )
      .finally(() => refreshing.delete(key));
  };

  const peek = (userId: string, profile: ClientProfile) => {
    const key = keyOf(userId, profile.key);
    const held = entries.get(key);
    if (held !== undefined && entries.getRemainingTTL(key) < ttl / 2) refresh(userId, profile, key);
    return held;
  };
  return {
    async get(userId, profile) {
      const held = peek(userId, profile);
      if (held) return held;
      const heardBefore = heard;
      const entry = await cache.get(userId, profile);
      if (entry) keep(userId, profile.key, entry, heardBefore);
      return entry;
    },
    peek,
    // Not kept: Redis may hold a newer build than the one re-warmed from; the next read takes Redis's.
    put: (view, profile) => cache.put(view, profile),
    size: () => entries.size,
  };
}
