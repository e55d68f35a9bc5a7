import { afterAll, describe, expect, it } from 'vitest';
import { createCassandraClient } from '../../adapters/cassandra/client.js';
import { createSnapshotStore } from '../../adapters/cassandra/snapshot-store.js';
import { createViewStore } from '../../adapters/cassandra/view-store.js';
import { loadConfig } from '../../config/index.js';
import { fixtureView } from '../api/support.js';
import { unique } from '../support/unique.js';

/** The view store on the stack's real Cassandra: a build's view and its sources' snapshots, written together. */
const config = loadConfig();
const cassandra = createCassandraClient(config);
afterAll(() => cassandra.shutdown());

const views = createViewStore(cassandra);
const snapshots = createSnapshotStore(cassandra);
const accounts = (name: string) => ({ source: 'accounts', asOf: '2026-01-01T00:00:00.000Z', items: [{ name }] });

describe('view store', () => {
  it("saves a build's snapshots with its view, and a slower, older build replaces neither", async () => {
    const userId = unique('u');
    const now = Date.now();
    expect(await views.write(fixtureView(userId, now), [accounts('newer')])).toEqual({ written: true });
    // Written last, but built first.
    expect(await views.write(fixtureView(userId, now - 1_000), [accounts('older')])).toEqual({
      written: false,
      storedVersion: now,
    });
    expect((await views.load(userId))?.version).toBe(now);
    expect((await snapshots.load(userId, 'accounts'))?.items).toEqual([{ name: 'newer' }]);
  });

  it('erases snapshots saved with a view whose version runs ahead of the clock', async () => {
    const userId = unique('u');
    // A fast run of builds of one user takes versions past the last one, a little ahead of the clock.
    const ahead = Date.now() + 60_000;
    await views.write(fixtureView(userId, ahead), [accounts('to be erased'), { ...accounts('too'), source: 'offers' }]);
    expect(await snapshots.erase(userId)).toBe(2);
    expect(await views.erase(userId)).toBe(1);
    expect(await snapshots.load(userId, 'accounts')).toBeUndefined();
    expect(await snapshots.load(userId, 'offers')).toBeUndefined();
    expect(await views.load(userId)).toBeUndefined();
  });
});
