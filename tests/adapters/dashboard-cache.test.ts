import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../adapters/redis/client.js';
import { cacheKey, createDashboardCache, renderEntry } from '../../adapters/redis/dashboard-cache.js';
import { loadConfig } from '../../config/index.js';
import { resolveClientProfile } from '../../config/capability-matrix.js';
import { fixtureView } from '../api/support.js';
import { unique } from '../support/unique.js';

/** The dashboard cache on the real Redis: what a build stores, and what a read of a profile adds. */
const redis = createRedisClient(loadConfig().REDIS_URL);
const cache = createDashboardCache(redis);
afterAll(() => redis.disconnect());

const ios = resolveClientProfile('ios', '4.0.0');
const web = resolveClientProfile('web', '3.0.0');
const renderedProfiles = async (userId: string) =>
  (await redis.hkeys(cacheKey(userId)))
    .filter((f) => f.endsWith(':body'))
    .map((f) => f.replace(/:body$/, ''))
    .sort();

describe('dashboard cache', () => {
  it('stores a build without rendering any profile, renders a profile at its first read and keeps it until the next build', async () => {
    const userId = unique('u');
    await cache.refresh(fixtureView(userId, 1));
    expect(await renderedProfiles(userId)).toEqual([]);

    const first = await cache.get(userId, ios);
    expect(first).toMatchObject({ version: 1, body: renderEntry(fixtureView(userId, 1), ios, 0).body });
    expect(await renderedProfiles(userId)).toEqual([ios.key]);
    // The second read is the kept render (same ETag), and only the profiles read are held.
    expect((await cache.get(userId, ios))?.etag).toBe(first?.etag);
    expect(await renderedProfiles(userId)).toEqual([ios.key]);
    await cache.get(userId, web);
    expect(await renderedProfiles(userId)).toEqual([ios.key, web.key].sort());

    // A newer build drops the renders of the older one; the next read renders the new view.
    await cache.refresh(fixtureView(userId, 2));
    expect(await renderedProfiles(userId)).toEqual([]);
    expect((await cache.get(userId, web))?.version).toBe(2);
  });

  it('never lets an older build or a render of an older view overwrite a newer build', async () => {
    const userId = unique('u');
    await cache.refresh(fixtureView(userId, 5));
    expect(await cache.refresh(fixtureView(userId, 4))).toBe(false);
    await cache.put(fixtureView(userId, 3), ios);
    expect((await cache.get(userId, ios))?.version).toBe(5);
    expect((await cache.get(userId, web))?.version).toBe(5);
  });

  it('has nothing for a user it never stored, and erases a user whole', async () => {
    const userId = unique('u');
    expect(await cache.get(userId, ios)).toBeUndefined();
    await cache.refresh(fixtureView(userId, 1));
    await cache.get(userId, ios);
    // The view and the one render.
    expect(await cache.erase(userId)).toBe(2);
    expect(await cache.get(userId, ios)).toBeUndefined();
  });
});
