import { storageActivities } from './activity-options.js';
import { workflowNowIso } from './clock.js';
import type { ErasureReceipt } from '../contract/workflows.js';

/**
 * Erases the personal data this platform holds for one user: preferences and their history, the
 * dashboard view, the last-known domain snapshots and the cached renders. The user's running rebuild
 * is stopped first so it cannot write a view back. The domain services own their data and are not
 * touched; a later domain event may build a new dashboard from what they still hold.
 */
export async function eraseUser(userId: string): Promise<ErasureReceipt> {
  const rebuildStopped = await storageActivities.stopRebuild(userId);
  const [preferences, dashboardViews, domainSnapshots, cacheEntries] = await Promise.all([
    storageActivities.erasePreferences(userId),
    storageActivities.eraseView(userId),
    storageActivities.eraseSnapshots(userId),
    storageActivities.eraseCache(userId),
  ]);
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
    },
  };
}
