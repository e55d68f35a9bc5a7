import { continueAsNew, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { localBatchActivities, localStorageActivities } from './activity-options.js';
import {
  settlingQuery,
  type BatchBuildResult,
  type RebuildBatchInput,
  type RebuildBatchResult,
  type SettlingStatus,
} from '../contract/workflows.js';
import { afterBuild, nextTry } from './settle.js';

/** Rounds of retries per run before continue-as-new, so a long outage keeps the history small. */
const RETRIES_PER_RUN = 50;

/**
 * Event-driven rebuilds of many users at once: the Kafka bridge hands each group of distinct users it
 * consumed to one run of this workflow, so Temporal's cost per rebuilt user is a share of one start,
 * one workflow task and one marker instead of a workflow run, a timer and a dozen events each. The
 * builds run as one local activity; a user whose build fails is reported by it (never thrown), so the
 * others are stored and announced without waiting, and the failed users are handed to their own
 * rebuildDashboard workflow, which retries and, failing again, is what `ops failed` lists.
 *
 * Since 'settle-builds' the users whose build fell short (a source shown from its snapshot, Redis or
 * Kafka away) are built again together after a backoff until they settle (workflows/settle.ts), and a
 * batch whose activity could not run at all hands every user over instead of failing: the bridge has
 * committed their events, so this run is all that stands for them.
 */
export async function rebuildBatch(input: RebuildBatchInput): Promise<RebuildBatchResult> {
  if (!patched('settle-builds')) {
    const result = await localBatchActivities.buildDashboards(input.users);
    return { ...result, handedOver: await handOver(input.users, result) };
  }
  let users = input.users;
  let settling = input.settling;
  // The users the last round left for the next, for operators (`ops unsettled`); a query adds no history.
  let left: SettlingStatus['users'] = [];
  setHandler(settlingQuery, () => ({
    ...(settling ? { since: settling.since } : {}),
    retries: settling?.retries ?? 0,
    users: left,
  }));
  for (let rounds = 1; ; rounds++) {
    let result: BatchBuildResult;
    try {
      result = await localBatchActivities.buildDashboards(users);
    } catch {
      await localStorageActivities.requestRebuilds(users);
      return { built: 0, unchanged: 0, failures: [], handedOver: users.length };
    }
    const handedOver = await handOver(users, result);
    const unsettled = new Map((result.unsettled ?? []).map((u) => [u.userId, u.version]));
    left = (result.unsettled ?? []).map(({ userId, what }) => ({ userId, what }));
    settling = afterBuild(settling, unsettled.size > 0);
    const retry = nextTry(settling);
    if (!retry) return { ...result, handedOver };
    await sleep(retry.delayMs);
    settling = retry.next;
    // A user built anew meanwhile (a newer version stored) is left to that build: see BuildRequest.retryOf.
    users = users.flatMap((u) =>
      unsettled.has(u.userId) ? [{ userId: u.userId, trigger: u.trigger, retryOf: unsettled.get(u.userId) }] : [],
    );
    if (rounds >= RETRIES_PER_RUN || workflowInfo().continueAsNewSuggested)
      return continueAsNew<typeof rebuildBatch>({ users, settling });
  }
}

/** Hands the users whose build failed to their own rebuildDashboard workflow; how many there were. */
async function handOver(users: RebuildBatchInput['users'], result: BatchBuildResult): Promise<number> {
  const failed = new Set(result.failures.map((f) => f.userId));
  const failing = users.filter((u) => failed.has(u.userId));
  if (failing.length > 0) await localStorageActivities.requestRebuilds(failing);
  return failing.length;
}
