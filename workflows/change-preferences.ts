import { ApplicationFailure, allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';
import type { PreferencesResult } from '../dashboard/preferences.js';
import type { Preferences } from '../dashboard/index.js';
import { durableActivities as storage } from './activity-options.js';
import { workflowNowIso } from './clock.js';
import {
  ErrorType,
  preferencesAppliedUpdate,
  type ChangePreferencesInput,
  type ChangePreferencesResult,
  type PreferenceCommit,
} from '../contract/workflows.js';

/**
 * One preference change, applied once per request key (the workflow id is preferences:{userId}:{key}
 * and the client refuses to start a second run with that id). The stored document changes only by
 * compare-and-set on the version the caller saw; the audit row is keyed by the new version, so a
 * retried activity writes the same row again instead of a second one. Every step waits out an engine
 * that is away (durableActivities). The caller is answered (update 'applied') once the change is
 * stored and its rebuild requested; the PreferencesChanged event follows, so Kafka being away delays
 * the event, never the answer or the user's dashboard.
 */
export async function changePreferences(input: ChangePreferencesInput): Promise<ChangePreferencesResult> {
  let answer: { result: ChangePreferencesResult } | { failure: unknown } | undefined;
  setHandler(
    preferencesAppliedUpdate,
    async () => {
      await condition(() => answer !== undefined);
      if (answer && 'result' in answer) return answer.result;
      throw answer?.failure;
    },
    {
      // A validator rejects before the update is accepted, so a refused request leaves no trace in the
      // history and the client needs no second call to compare requests. Validators are not replayed.
      validator: (request?: string) => {
        if (request !== undefined && input.request !== undefined && request !== input.request) {
          throw ApplicationFailure.create({
            type: ErrorType.IdempotencyKeyReused,
            message: `request key ${input.requestKey} was used for a different request`,
            nonRetryable: true,
          });
        }
      },
    },
  );
  try {
    const result = await applyAndStore(input, (applied) => {
      answer = { result: applied };
    });
    answer ??= { result };
    await condition(allHandlersFinished);
    return result;
  } catch (error) {
    answer = { failure: error };
    await condition(allHandlersFinished);
    throw error;
  }
}

/** The change itself; `applied` is called at its commit point, before the event waits on Kafka. */
async function applyAndStore(
  input: ChangePreferencesInput,
  applied: (result: ChangePreferencesResult) => void,
): Promise<ChangePreferencesResult> {
  if (patched('one-step-preference-change')) {
    // One activity up to the commit point, then the event: two activity tasks and three workflow
    // tasks instead of five and six (activities/commit-preference-change.ts says why).
    const commit = await storage.commitPreferenceChange(input, workflowNowIso());
    if ('refused' in commit) throw refusal(commit.refused);
    const result = commit.applied;
    if (!result.changed) return result;
    applied(result);
    await storage.publishPreferencesChanged(result.preferences);
    return result;
  }
  return applyInSteps(input, applied);
}

/** The change as runs started before 'one-step-preference-change' make it: one activity per step. */
async function applyInSteps(
  input: ChangePreferencesInput,
  applied: (result: ChangePreferencesResult) => void,
): Promise<ChangePreferencesResult> {
  const { userId, requestKey, expectedVersion } = input;
  const current = await storage.loadPreferences(userId);
  if (current.version !== expectedVersion) throw conflict(current.version);

  const now = workflowNowIso();
  const next = unwrap(await applyChange(current, input, now));
  if (next.version === current.version) return { version: current.version, changed: false, preferences: current };

  const stored = await storage.storePreferences(next, expectedVersion, requestKey);
  if (!stored.ok) throw conflict(stored.currentVersion);
  await storage.appendPreferenceHistory({ version: next.version, preferences: next, requestKey, changedAt: now });
  const result = { version: next.version, changed: true, preferences: next };
  if (patched('rebuild-before-event')) {
    await storage.requestRebuild(userId, 'preferences');
    applied(result);
    await storage.publishPreferencesChanged(next);
  } else {
    await storage.publishPreferencesChanged(next);
    await storage.requestRebuild(userId, 'preferences');
  }
  return result;
}

/**
 * The preference rules validate with the contract's zod schemas, and the sandbox evaluates a bundle's
 * imports again for every workflow run (profiled: most of a rebuild run's CPU on the workflow thread).
 * An eager import() is bundled like a static one but evaluated only when called, so only preference
 * changes pay for the schemas. Deterministic: it resolves at once, with no I/O.
 */
const preferenceRules = () => import(/* webpackMode: "eager" */ '../dashboard/preferences.js');

async function applyChange(
  current: Preferences,
  input: ChangePreferencesInput,
  now: string,
): Promise<PreferencesResult<Preferences>> {
  const { change } = input;
  const { mergePreferences, replacePreferences } = await preferenceRules();
  switch (change.kind) {
    case 'patch':
      return mergePreferences(current, change.patch, now);
    case 'replace':
      return replacePreferences(current, change.document, now);
    case 'restore': {
      const earlier = await storage.loadPreferenceVersion(input.userId, change.version);
      if (!earlier) throw versionNotFound(change.version);
      // Undo is a new change on top of the current version, recorded in the history like any other.
      const { layout, sections, widgetSettings } = earlier;
      return replacePreferences(current, { layout, sections, widgetSettings }, now);
    }
  }
}

function unwrap(result: PreferencesResult<Preferences>): Preferences {
  if (result.ok) return result.value;
  throw invalid(result.errors);
}

/** A refused change fails the workflow with the same failures whichever way the change was made. */
function refusal(refused: Extract<PreferenceCommit, { refused: unknown }>['refused']): ApplicationFailure {
  switch (refused.reason) {
    case 'version-conflict':
      return conflict(refused.currentVersion);
    case 'invalid':
      return invalid(refused.issues);
    case 'version-not-found':
      return versionNotFound(refused.version);
  }
}

function invalid(issues: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: ErrorType.PreferencesValidation,
    message: 'invalid preferences',
    nonRetryable: true,
    details: [issues],
  });
}

function versionNotFound(version: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: ErrorType.PreferencesVersionNotFound,
    message: `no preferences version ${version}`,
    nonRetryable: true,
  });
}

function conflict(currentVersion: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: ErrorType.PreferencesVersionConflict,
    message: `preferences are at version ${currentVersion}`,
    nonRetryable: true,
    details: [{ currentVersion }],
  });
}
