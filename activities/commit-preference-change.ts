import type { PreferenceStore } from '../adapters/cassandra/preference-store.js';
import type { DashboardWorkflows } from '../adapters/temporal/dashboard-workflows.js';
import type { ChangePreferencesInput, PreferenceCommit } from '../contract/workflows.js';
import { mergePreferences, replacePreferences, type Preferences, type PreferencesResult } from '../dashboard/index.js';

export interface PreferenceCommitDeps {
  readonly preferences: Pick<PreferenceStore, 'current' | 'compareAndSet' | 'appendHistory' | 'historyVersion'>;
  readonly workflows: Pick<DashboardWorkflows, 'requestRebuild'>;
}

/**
 * A preference change up to its commit point in one step: load the current document, apply the change,
 * store it by compare-and-set on the version the caller saw, write its history row and request the
 * user's rebuild. As five activities, each step cost a workflow task of its own, and after Cassandra
 * came back every one of them queued behind the retried builds for the two cores (chaos/README.md).
 *
 * Safe to retry from the top: a try that stored the change and stopped before the end (Cassandra or
 * Temporal went away) is recognised by the request key stored with the document, and the retry
 * finishes it instead of answering its own change with a conflict. The history row is keyed by
 * version and written with the workflow's `now`, so writing it again changes nothing.
 */
export function createPreferenceCommitter(deps: PreferenceCommitDeps) {
  return async function commitPreferenceChange(input: ChangePreferencesInput, now: string): Promise<PreferenceCommit> {
    const { userId, requestKey, expectedVersion } = input;
    const { preferences: current, requestKey: storedBy } = await deps.preferences.current(userId);
    const storedByEarlierTry = current.version === expectedVersion + 1 && storedBy === requestKey;
    let next = current;
    if (!storedByEarlierTry) {
      if (current.version !== expectedVersion) {
        return { refused: { reason: 'version-conflict', currentVersion: current.version } };
      }
      const changed = await applyChange(deps, current, input, now);
      if ('refused' in changed) return changed;
      if (!changed.ok) return { refused: { reason: 'invalid', issues: changed.errors } };
      next = changed.value;
      if (next.version === current.version)
        return { applied: { version: current.version, changed: false, preferences: current } };
      const stored = await deps.preferences.compareAndSet(next, expectedVersion, requestKey);
      if (!stored.ok) return { refused: { reason: 'version-conflict', currentVersion: stored.currentVersion } };
    }
    await deps.preferences.appendHistory({ version: next.version, preferences: next, requestKey, changedAt: now });
    await deps.workflows.requestRebuild(userId, 'preferences');
    return { applied: { version: next.version, changed: true, preferences: next } };
  };
}

async function applyChange(
  deps: PreferenceCommitDeps,
  current: Preferences,
  input: ChangePreferencesInput,
  now: string,
): Promise<PreferencesResult<Preferences> | Extract<PreferenceCommit, { refused: unknown }>> {
  const { change } = input;
  switch (change.kind) {
    case 'patch':
      return mergePreferences(current, change.patch, now);
    case 'replace':
      return replacePreferences(current, change.document, now);
    case 'restore': {
      const earlier = (await deps.preferences.historyVersion(input.userId, change.version))?.preferences;
      if (!earlier) return { refused: { reason: 'version-not-found', version: change.version } };
      // Undo is a new change on top of the current version, recorded in the history like any other.
      const { layout, sections, widgetSettings } = earlier;
      return replacePreferences(current, { layout, sections, widgetSettings }, now);
    }
  }
}
