import { afterAll, describe, expect, it } from 'vitest';
import { createCassandraClient } from '../../adapters/cassandra/client.js';
import { createPreferenceStore } from '../../adapters/cassandra/preference-store.js';
import { createPreferenceCommitter } from '../../activities/commit-preference-change.js';
import { loadConfig } from '../../config/index.js';
import type { ChangePreferencesInput } from '../../contract/workflows.js';
import { unique } from '../support/unique.js';

/**
 * The one-step commit of a preference change on the stack's real Cassandra, retried the way Temporal
 * retries it: from the top, after a try that failed part of the way. The failures are injected into
 * the step after the store (history row, rebuild request); the store itself is the real one.
 */
const config = loadConfig();
const cassandra = createCassandraClient(config);
afterAll(() => cassandra.shutdown());

const NOW = '2026-11-25T08:00:00.000Z';
const layoutChange = (userId: string, requestKey: string, expectedVersion = 0): ChangePreferencesInput => ({
  userId,
  requestKey,
  expectedVersion,
  change: { kind: 'patch', patch: { layout: 'grid' } },
});

/** The real store and a rebuild port, each failing its next call when told to. */
function committer() {
  const store = createPreferenceStore(cassandra);
  const rebuilds: string[] = [];
  const failNext = { history: false, rebuild: false };
  const commit = createPreferenceCommitter({
    preferences: {
      ...store,
      async appendHistory(entry) {
        if (failNext.history) {
          failNext.history = false;
          throw new Error('Cassandra went away');
        }
        await store.appendHistory(entry);
      },
    },
    workflows: {
      async requestRebuild(userId) {
        if (failNext.rebuild) {
          failNext.rebuild = false;
          throw new Error('Temporal went away');
        }
        rebuilds.push(userId);
      },
    },
  });
  return { commit, store, rebuilds, failNext };
}

describe('the one-step commit of a preference change', () => {
  for (const step of ['history', 'rebuild'] as const) {
    it(`finishes a change whose earlier try stored it and then failed at the ${step} step`, async () => {
      const { commit, store, rebuilds, failNext } = committer();
      const userId = unique('u');
      const input = layoutChange(userId, unique('req'));
      failNext[step] = true;
      await expect(commit(input, NOW)).rejects.toThrow(/went away/);
      expect((await store.load(userId)).version).toBe(1);

      // The retry is not refused as a conflict with its own stored change: it writes the rest.
      const retried = await commit(input, NOW);
      expect(retried).toMatchObject({ applied: { version: 1, changed: true, preferences: { layout: 'grid' } } });
      const history = (await store.history(userId, 10)).entries;
      expect(history.map((e) => [e.version, e.requestKey, e.changedAt])).toEqual([[1, input.requestKey, NOW]]);
      expect(rebuilds).toEqual([userId]);
    });
  }

  it("refuses a change on a version another request's change replaced, naming the current version", async () => {
    const { commit, rebuilds } = committer();
    const userId = unique('u');
    await commit(layoutChange(userId, unique('req')), NOW);
    const second = await commit(layoutChange(userId, unique('req')), NOW);
    expect(second).toEqual({ refused: { reason: 'version-conflict', currentVersion: 1 } });
    expect(rebuilds).toEqual([userId]);
  });

  it('answers a change that changes nothing without storing or rebuilding', async () => {
    const { commit, store, rebuilds } = committer();
    const userId = unique('u');
    const input: ChangePreferencesInput = {
      ...layoutChange(userId, unique('req')),
      change: { kind: 'patch', patch: {} },
    };
    expect(await commit(input, NOW)).toMatchObject({ applied: { version: 0, changed: false } });
    expect((await store.history(userId, 10)).entries).toEqual([]);
    expect(rebuilds).toEqual([]);
  });

  it('refuses an invalid change and a restore of a version that never existed, storing nothing', async () => {
    const { commit, store } = committer();
    const userId = unique('u');
    const invalid = await commit(
      { ...layoutChange(userId, unique('req')), change: { kind: 'patch', patch: { layout: 'sideways' } } },
      NOW,
    );
    expect(invalid).toMatchObject({
      refused: { reason: 'invalid', issues: [expect.objectContaining({ path: '/layout' })] },
    });
    const restore = await commit(
      { ...layoutChange(userId, unique('req')), change: { kind: 'restore', version: 7 } },
      NOW,
    );
    expect(restore).toEqual({ refused: { reason: 'version-not-found', version: 7 } });
    expect((await store.load(userId)).version).toBe(0);
  });
});
