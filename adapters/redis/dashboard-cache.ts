import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { renderForClient, type CanonicalDashboard, type ClientProfile } from '../../dashboard/index.js';

/**
 * The rendered dashboard per (user, client profile) as ready-to-send bytes with a strong ETag.
 * One Redis hash per user holds every profile's entry plus the version they were rendered from, so a
 * refresh replaces them all at once, an older build never overwrites a newer one, and erasing a user
 * is one DEL.
 */
export interface CacheEntry {
  readonly body: string;
  readonly etag: string;
  readonly version: number;
  /** When the entry was written (epoch ms): the API serves it stale-while-revalidate past a soft TTL. */
  readonly cachedAt: number;
}

export interface DashboardCache {
  get(userId: string, profileKey: string): Promise<CacheEntry | undefined>;
  /** Replaces every profile's entry of the user with renders of `view`, unless a newer version is cached. */
  refresh(view: CanonicalDashboard, profiles: readonly ClientProfile[]): Promise<boolean>;
  /** Adds one profile's entry (re-warm after a miss), unless a newer version is cached. */
  put(view: CanonicalDashboard, profile: ClientProfile): Promise<CacheEntry>;
  /** Deletes every cached render of the user; returns how many there were. */
  erase(userId: string): Promise<number>;
}

export const cacheKey = (userId: string) => `dash:${userId}`;

/** Renders the view for one profile into the exact bytes the API sends, and their ETag. */
export function renderEntry(view: CanonicalDashboard, profile: ClientProfile, cachedAt: number): CacheEntry {
  const body = JSON.stringify(renderForClient(view, profile));
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  return { body, etag: `"${view.version}-${hash}"`, version: view.version, cachedAt };
}

const meta = z.object({ etag: z.string(), version: z.number().int(), cachedAt: z.number() });

// KEYS[1] = hash; ARGV[1] = version, ARGV[2] = ttl seconds, ARGV[3] = 1 to replace all fields; then field/value pairs.
const writeScript = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'version'))
local version = tonumber(ARGV[1])
if stored and stored > version then return 0 end
if ARGV[3] == '1' or (stored and stored < version) then redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'version', ARGV[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1`;

/** Entries live a day: a rebuild refreshes them and the API re-warms them from Cassandra on a miss. */
export const CACHE_TTL_SECONDS = 24 * 3600;

export function createDashboardCache(redis: Redis, options: { ttlSeconds?: number } = {}): DashboardCache {
  const ttlSeconds = options.ttlSeconds ?? CACHE_TTL_SECONDS;
  const write = async (view: CanonicalDashboard, replaceAll: boolean, entries: [ClientProfile, CacheEntry][]) => {
    const fields = entries.flatMap(([profile, entry]) => [
      `${profile.key}:body`,
      entry.body,
      `${profile.key}:meta`,
      JSON.stringify({ etag: entry.etag, version: entry.version, cachedAt: entry.cachedAt }),
    ]);
    const result = await redis.eval(writeScript, 1, cacheKey(view.userId), view.version, ttlSeconds, replaceAll ? '1' : '0', ...fields);
    return result === 1;
  };

  return {
    async get(userId, profileKey) {
      const [body, rawMeta] = await redis.hmget(cacheKey(userId), `${profileKey}:body`, `${profileKey}:meta`);
      if (body == null || rawMeta == null) return undefined;
      const parsed = meta.safeParse(JSON.parse(rawMeta));
      return parsed.success ? { body, ...parsed.data } : undefined;
    },

    async refresh(view, profiles) {
      const now = Date.now();
      return write(view, true, profiles.map((p) => [p, renderEntry(view, p, now)]));
    },

    async put(view, profile) {
      const entry = renderEntry(view, profile, Date.now());
      await write(view, false, [[profile, entry]]);
      return entry;
    },

    async erase(userId) {
      // Counted in rendered entries (one per client profile), which is what a receipt should say.
      const fields = await redis.hkeys(cacheKey(userId));
      await redis.del(cacheKey(userId));
      return fields.filter((f) => f.endsWith(':body')).length;
    },
  };
}
