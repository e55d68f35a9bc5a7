import { createHash } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import { z } from 'zod';
import { CanonicalDashboard, renderForClient, type ClientProfile } from '../../dashboard/index.js';

/**
 * The dashboard per user in one Redis hash: the canonical view a build stored, and ready-to-send
 * bytes with a strong ETag for each client profile that was read since. A build stores only the view
 * (and drops the older renders); the first read of a profile renders it once from that view and
 * keeps it, so builds do not render profiles nobody uses and Redis holds what clients read. The
 * version in the hash means an older build never overwrites a newer one, and erasing a user is one DEL.
 */
export interface CacheEntry {
  readonly body: string;
  readonly etag: string;
  readonly version: number;
  /** When the view was cached (epoch ms): the API serves it stale-while-revalidate past a soft TTL. */
  readonly cachedAt: number;
}

export interface DashboardCache {
  /** The profile's entry; rendered from the cached view (and kept) when the profile was not read since the build. */
  get(userId: string, profile: ClientProfile): Promise<CacheEntry | undefined>;
  /** Stores a build's view in place of everything cached for the user, unless a newer version is cached. */
  refresh(view: CanonicalDashboard): Promise<boolean>;
  /** Adds the view and one profile's entry (re-warm after a miss), unless a newer version is cached. */
  put(view: CanonicalDashboard, profile: ClientProfile): Promise<CacheEntry>;
  /** Deletes the user's cached view and renders; returns how many there were. */
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

declare module 'ioredis' {
  interface RedisCommander<Context> {
    writeDashboard(
      key: string,
      version: number,
      ttlSeconds: number,
      replaceAll: '0' | '1',
      ...fields: string[]
    ): Result<number, Context>;
  }
}

export function createDashboardCache(redis: Redis, options: { ttlSeconds?: number } = {}): DashboardCache {
  const ttlSeconds = options.ttlSeconds ?? CACHE_TTL_SECONDS;
  // Sent by its SHA (EVALSHA, the script loaded once per connection) rather than in full every time.
  redis.defineCommand('writeDashboard', { numberOfKeys: 1, lua: writeScript });
  const write = async (view: CanonicalDashboard, replaceAll: boolean, fields: string[]) => {
    const result = await redis.writeDashboard(
      cacheKey(view.userId),
      view.version,
      ttlSeconds,
      replaceAll ? '1' : '0',
      ...fields,
    );
    return result === 1;
  };
  const viewFields = (view: CanonicalDashboard, cachedAt: number) => [
    'view',
    JSON.stringify(view),
    'cachedAt',
    String(cachedAt),
  ];
  const entryFields = (profile: ClientProfile, entry: CacheEntry) => [
    `${profile.key}:body`,
    entry.body,
    `${profile.key}:meta`,
    JSON.stringify({ etag: entry.etag, version: entry.version, cachedAt: entry.cachedAt }),
  ];

  return {
    async get(userId, profile) {
      const key = cacheKey(userId);
      const [body, rawMeta] = await redis.hmget(key, `${profile.key}:body`, `${profile.key}:meta`);
      if (body != null && rawMeta != null) {
        const parsed = meta.safeParse(JSON.parse(rawMeta));
        return parsed.success ? { body, ...parsed.data } : undefined;
      }
      // Not read in this profile since the build: rendered once from the cached view, and kept.
      const [rawView, rawCachedAt] = await redis.hmget(key, 'view', 'cachedAt');
      if (rawView == null) return undefined;
      const view = CanonicalDashboard.safeParse(JSON.parse(rawView));
      if (!view.success || view.data.userId !== userId) return undefined;
      const entry = renderEntry(view.data, profile, Number(rawCachedAt) || Date.now());
      await write(view.data, false, entryFields(profile, entry));
      return entry;
    },

    async refresh(view) {
      return write(view, true, viewFields(view, Date.now()));
    },

    async put(view, profile) {
      const now = Date.now();
      const entry = renderEntry(view, profile, now);
      await write(view, false, [...viewFields(view, now), ...entryFields(profile, entry)]);
      return entry;
    },

    async erase(userId) {
      // Counted as a receipt should say it: the cached view and each profile rendered from it.
      const fields = await redis.hkeys(cacheKey(userId));
      await redis.del(cacheKey(userId));
      return fields.filter((f) => f === 'view' || f.endsWith(':body')).length;
    },
  };
}
