import { patched, sleep } from '@temporalio/workflow';
import { storageActivities } from './activity-options.js';
import { workflowNowIso } from './clock.js';
import { USER_KEY_CACHE_TTL_MS, type ErasureReceipt } from '../contract/workflows.js';

/**
 * Erases the personal data this platform holds for one user: preferences and their history, the
 * dashboard view, the last-known domain snapshots and the cached renders. The user's running rebuild
 * is stopped first so it cannot write a view back. The domain services own their data and are not
 * touched; a later domain event may build a new dashboard from what they still hold.
 *
 * Since 'shred-user-key' it also deletes the user's key and their raw analytics events. Temporal
 * histories and Kafka topics cannot delete one user's entries, but what they hold of the user was
 * sealed with that key (adapters/temporal/user-payload-codec.ts, PreferencesChanged events), so it can
 * no longer be read. The receipt comes once no process can still use a copy of the key either.
 */
export async function eraseUser(userId: string, keyCopiesLastMs?: number): Promise<ErasureReceipt> {
  const rebuildStopped = await storageActivities.stopRebuild(userId);
  const shreds = patched('shred-user-key');
  const [preferences, dashboardViews, domainSnapshots, cacheEntries, encryptionKeys, analyticsEvents] =
    await Promise.all([
      storageActivities.erasePreferences(userId),
      storageActivities.eraseView(userId),
      storageActivities.eraseSnapshots(userId),
      storageActivities.eraseCache(userId),
      shreds ? storageActivities.eraseKey(userId) : undefined,
      shreds ? storageActivities.eraseAnalytics(userId) : undefined,
    ]);
  // How long a process may still use its copy of the key (adapters/cassandra/user-key-store.ts): the
  // erasing client's deployment says; runs started before it passed one waited the cache's 10 s.
  if (shreds) await sleep(keyCopiesLastMs ?? USER_KEY_CACHE_TTL_MS);
  return {
    userId,
    erasedAt: workflowNowIso(),
    rebuildStopped,
    deleted: {
      preferences: preferences.preferences,
      preferenceHistory: preferences.history,
      dashboardViews,
      domainSnapshots,
      cacheEntries,
      ...(encryptionKeys === undefined ? {} : { encryptionKeys }),
      ...(analyticsEvents === undefined ? {} : { analyticsEvents }),
    },
  };
}
