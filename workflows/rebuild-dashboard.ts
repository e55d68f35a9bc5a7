import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
// Narrow imports on purpose: the workflow sandbox re-runs module initialisation for every workflow
// run, and the core's index would build every schema of the contract each time (profiled: most of the
// workflow thread's time). Types cost nothing; values come from the modules that hold them.
import { composeDashboard } from '../dashboard/compose.js';
import { mergeWidgetSources } from '../dashboard/sources.js';
import type { CanonicalDashboard, SourceResult } from '../dashboard/index.js';
import type { SourceItem, SourceName } from '../activities/index.js';
import {
  domainActivities,
  localBuildActivities,
  localDomainActivities,
  localStorageActivities,
  storageActivities,
} from './activity-options.js';
import { BuildQueue } from './build-queue.js';
import { workflowNow, workflowNowIso } from './clock.js';
import { afterBuild, nextTry } from './settle.js';
import {
  ErrorType,
  TriggerAttribute,
  rebuildNowUpdate,
  rebuildStatusQuery,
  requestRebuildSignal,
  settlingQuery,
  type RebuildDashboardInput,
  type RebuildStatus,
  type SettlingStatus,
  type Trigger,
} from '../contract/workflows.js';

/** How long a run waited for more triggers after a build (runs started before 'one-step-build'). */
const IDLE_BEFORE_COMPLETING = '10 seconds';
/** Builds per run before continue-as-new, so the history of a busy user stays small. */
const MAX_BUILDS_PER_RUN = 50;
/**
 * How long a run that has nothing left waits before it completes (since 'linger-before-leaving'). The
 * task that ran a build cannot see the triggers that arrived during it; completing in that task, the
 * server refused the completion ("unhandled command"), the build ran again in the next task, and an
 * update delivered with the refused task failed. A short timer ends that task without completing.
 */
const LINGER_BEFORE_LEAVING = '50 milliseconds';

/**
 * The dashboard of one user, rebuilt from the current truth of the domain services: the interactive
 * path (cache misses, preference changes, operators, and users whose build failed in a batch). One
 * workflow id per user (dashboard-rebuild:{userId}) means two builds of one user never run at once.
 * Requests that arrive during a build wait and are all served by the single next build: a burst of
 * triggers costs at most one follow-up build (the bookkeeping is workflows/build-queue.ts). A build
 * reads the current truth, so repeating it is harmless.
 *
 * Since 'one-step-build' a build is one local activity and the run completes as soon as nothing is
 * pending (no idle timer). A failed build no longer ends the run while requests that arrived during
 * it wait: they get a build that starts after them. The run fails only when its last build failed,
 * which is what `ops failed` lists.
 *
 * Since 'settle-builds' a build that fell short (a source shown from its snapshot, the cache or the
 * announcement not done, or a failure other than "nothing to show") is tried again with backoff
 * until one settles (workflows/settle.ts): a recovered component is seen without a new trigger.
 */
export async function rebuildDashboard(input: RebuildDashboardInput): Promise<RebuildStatus> {
  const { userId } = input;
  const queue = new BuildQueue(input.pending);
  let lastVersion = input.lastVersion ?? 0;

  setHandler(requestRebuildSignal, (request) => queue.add(request));
  setHandler(rebuildNowUpdate, async (request) => {
    const admission = queue.admit(request, workflowNow());
    if ('view' in admission) return admission.view;
    await condition(() => queue.isAnswered(admission.ticket));
    const answer = queue.answer(admission.ticket);
    if ('view' in answer) return answer.view;
    throw ApplicationFailure.create({
      type: ErrorType.DashboardUnavailable,
      message: answer.failure,
      nonRetryable: true,
    });
  });
  setHandler(rebuildStatusQuery, () => queue.status(lastVersion));

  // Leaves only when nothing is pending and every update handler has answered; a request that arrives
  // meanwhile makes it build again instead (a run never ends with a caller still waiting).
  const readyToLeave = async () => {
    await condition(() => queue.hasPending || allHandlersFinished());
    return !queue.hasPending;
  };

  if (!patched('one-step-build')) {
    // Runs started before the patch: step-by-step builds, an idle wait, and the first failure ends the run.
    for (let builds = 0; ;) {
      const woken = await condition(() => queue.hasPending, IDLE_BEFORE_COMPLETING);
      if (!woken && !queue.hasPending) {
        if (await readyToLeave()) return queue.status(lastVersion);
        continue;
      }
      const { trigger } = queue.startBuild();
      upsertSearchAttributes([{ key: TriggerAttribute, value: trigger }]);
      let view: CanonicalDashboard;
      try {
        view = await buildInSteps(userId, trigger, Math.max(workflowNow(), lastVersion + 1));
      } catch (error) {
        queue.runFailed(error instanceof Error ? error.message : String(error));
        await condition(allHandlersFinished);
        throw error;
      }
      lastVersion = Math.max(lastVersion, view.version);
      queue.buildSucceeded(view);
      builds++;
      if ((builds >= MAX_BUILDS_PER_RUN || workflowInfo().continueAsNewSuggested) && (await readyToLeave())) {
        return continueAsNew<typeof rebuildDashboard>({ userId, pending: [], lastVersion });
      }
    }
  }

  // Since 'settle-builds' a build that fell short is tried again after a backoff (workflows/settle.ts).
  const settles = patched('settle-builds');
  const lingers = patched('linger-before-leaving');
  let settling = input.settling;
  // What the last build left for the retries, for operators (`ops unsettled`); a query adds no history.
  let left: SettlingStatus['users'][number]['what'] = [];
  setHandler(settlingQuery, () => ({
    ...(settling ? { since: settling.since } : {}),
    retries: settling?.retries ?? 0,
    users: settling ? [{ userId, what: left }] : [],
  }));
  let shownTrigger = workflowInfo().typedSearchAttributes.get(TriggerAttribute);
  let lastTrigger: Trigger = 'event';
  let lastError: string | undefined;

  /** Waits for the next build: true to build, false to leave (nothing pending, nothing left to settle). */
  const buildAgain = async (): Promise<boolean> => {
    for (;;) {
      if (queue.hasPending) return true;
      const retry = settles ? nextTry(settling) : undefined;
      if (!retry) {
        if (!(await readyToLeave())) return true;
        if (!lingers) return false;
        if (await condition(() => queue.hasPending, LINGER_BEFORE_LEAVING)) return true;
        return !(await readyToLeave());
      }
      // A trigger or a waiting caller cuts the wait short; otherwise the retry is a build of its own.
      if (!(await condition(() => queue.hasPending, retry.delayMs))) queue.add({ trigger: lastTrigger });
      settling = retry.next;
    }
  };

  for (let builds = 0; await buildAgain();) {
    const { trigger } = queue.startBuild();
    lastTrigger = trigger;
    // Operators see why the latest build ran; an unchanged trigger costs no history event.
    if (trigger !== shownTrigger) {
      upsertSearchAttributes([{ key: TriggerAttribute, value: trigger }]);
      shownTrigger = trigger;
    }
    const request = { userId, trigger, afterVersion: lastVersion };
    let fellShort = false;
    try {
      let view: CanonicalDashboard;
      if (settles) {
        const outcome = await localBuildActivities.buildDashboardOutcome(request);
        view = outcome.view;
        fellShort = outcome.unsettled.length > 0;
        left = outcome.unsettled;
      } else {
        view = await localBuildActivities.buildDashboard(request);
      }
      lastVersion = Math.max(lastVersion, view.version);
      queue.buildSucceeded(view);
      lastError = undefined;
    } catch (error) {
      lastError = reasonOf(error);
      queue.buildFailed(lastError);
      // Nothing to show is an answer, not an outage: it ends the retries (and the run fails, for ops).
      fellShort = !isNothingToShow(error);
      left = ['build'];
    }
    settling = afterBuild(settling, fellShort);
    builds++;
    const canCarryOver = lastError === undefined || (settles && nextTry(settling) !== undefined);
    if (
      canCarryOver &&
      (builds >= MAX_BUILDS_PER_RUN || workflowInfo().continueAsNewSuggested) &&
      (await readyToLeave())
    ) {
      return continueAsNew<typeof rebuildDashboard>({
        userId,
        pending: [],
        lastVersion,
        ...(settling ? { settling } : {}),
      });
    }
  }
  // The run fails, for `ops failed` to list, only when its last build failed (and, since 'settle-builds', its retries
  // ran out).
  if (lastError !== undefined) {
    // Since 'announce-failure' the failure is an event too, for insights. Telling it is best effort: a
    // Kafka that is away must not keep the run from failing for `ops failed` to list.
    if (patched('announce-failure'))
      await storageActivities.publishRebuildFailed(userId, lastTrigger, lastError).catch(() => undefined);
    throw ApplicationFailure.create({ type: ErrorType.RebuildFailed, message: lastError, nonRetryable: true });
  }
  return queue.status(lastVersion);
}

/** A build that found no source answering and no view stored: there is nothing to show the user. */
function isNothingToShow(error: unknown): boolean {
  // A local activity's failure reaches the workflow as the activity's own ApplicationFailure, unwrapped.
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return failure instanceof ApplicationFailure && failure.type === ErrorType.DashboardUnavailable;
}

/** What went wrong, in the activity's own words rather than "activity task failed". */
function reasonOf(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

interface BuildActivities {
  readonly domain: typeof domainActivities;
  readonly storage: typeof storageActivities;
}

/**
 * Builds run their steps as local activities since the patch below; runs recorded before it (and
 * their histories in tests/histories/) replay with regular activities.
 */
function buildActivities(): BuildActivities {
  return patched('build-with-local-activities')
    ? { domain: localDomainActivities, storage: localStorageActivities }
    : { domain: domainActivities, storage: storageActivities };
}

async function buildInSteps(userId: string, trigger: Trigger, version: number): Promise<CanonicalDashboard> {
  const activities = buildActivities();
  const { storage } = activities;
  const fetchSource = <S extends SourceName>(id: string, source: S) => fetchWithFallback(activities, id, source);
  const [accounts, partners, offers, insights, preferences] = await Promise.all([
    fetchSource(userId, 'accounts'),
    fetchSource(userId, 'partners'),
    fetchSource(userId, 'offers'),
    fetchSource(userId, 'insights'),
    storage.loadPreferences(userId),
  ]);
  const all = [accounts, partners, offers, insights];
  if (all.every((s) => s.status !== 'fresh')) {
    // Nothing new is known: the last view stays as it is.
    const last = await storage.loadView(userId);
    if (last) return last;
    if (all.every((s) => s.status === 'missing')) {
      throw ApplicationFailure.create({
        type: ErrorType.DashboardUnavailable,
        message: `no source answered for ${userId} and no view exists: ${all.map((s) => (s.status === 'missing' ? s.reason : '')).join('; ')}`,
        nonRetryable: true,
      });
    }
  }
  const dashboard = composeDashboard(
    { accounts, partners, widgets: mergeWidgetSources(offers, insights) },
    preferences,
    workflowNowIso(),
    { version },
  );
  const written = await storage.writeView(dashboard);
  if (!written.written) {
    // A newer build is stored already (e.g. a delayed retry of an older one): it wins.
    return (await storage.loadView(userId)) ?? dashboard;
  }
  await storage.refreshCache(dashboard);
  await storage.publishDashboardUpdated(dashboard, trigger);
  return dashboard;
}

/** A source that fails after its retries keeps its last-known snapshot, marked stale with the reason. */
async function fetchWithFallback<S extends SourceName>(
  activities: BuildActivities,
  userId: string,
  source: S,
): Promise<SourceResult<SourceItem<S>>> {
  try {
    return await activities.domain.fetchSource(userId, source);
  } catch (error) {
    const reason = error instanceof ActivityFailure && error.cause ? error.cause.message : String(error);
    // The adapter's message names the service already.
    return activities.storage.loadSnapshot(userId, source, reason.slice(0, 200));
  }
}
