import { continueAsNew, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { batchActivities, bulkActivities, storageActivities } from './activity-options.js';
import { workflowNow } from './clock.js';
import {
  rebuildManyProgressQuery,
  type RebuildManyInput,
  type RebuildManyProgress,
  type RebuildManyState,
} from '../contract/workflows.js';

/** Batches (of `ratePerSecond` users, one per second at most) per run before continue-as-new. */
const BATCHES_PER_RUN = 100;
/** Failures kept for the progress query; the counts stay exact. */
const FAILURES_KEPT = 50;

/**
 * Operators' bulk rebuild: a given list of users, or every user with a view (paged from Cassandra),
 * at a bounded rate, a page of users per second at most, each page built by one activity, so progress
 * counts real successes and failures. Large runs continue as new with their position, so the history stays bounded.
 */
export async function rebuildMany(input: RebuildManyInput): Promise<RebuildManyProgress> {
  let state: RebuildManyState = input.state ?? { nextIndex: 0, succeeded: 0, failed: 0, failures: [] };
  let done = false;
  const batchSize = Math.max(1, Math.min(500, Math.floor(input.ratePerSecond)));
  const progress = (): RebuildManyProgress => ({
    ...state,
    done,
    ...(input.userIds ? { total: input.userIds.length } : done ? { total: state.nextIndex } : {}),
  });
  setHandler(rebuildManyProgressQuery, progress);
  const inPlace = patched('bulk-builds-in-place');

  for (let batches = 0; ; batches++) {
    if (batches >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof rebuildMany>({ ...input, state });
    }
    const page = await nextPage(input, state, batchSize);
    if (page.userIds.length === 0) break;

    const startedAt = workflowNow();
    const result = await rebuildPage(page.userIds, input.trigger, inPlace);
    state = {
      nextIndex: state.nextIndex + page.userIds.length,
      ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
      succeeded: state.succeeded + result.succeeded,
      failed: state.failed + result.failures.length,
      failures: [...state.failures, ...result.failures].slice(-FAILURES_KEPT),
    };
    if (page.last) break;
    const elapsed = workflowNow() - startedAt;
    if (elapsed < 1000) await sleep(1000 - elapsed);
  }
  done = true;
  return progress();
}

/**
 * One page of users. Since 'bulk-builds-in-place' they are built by one activity, like an event batch,
 * instead of a synchronous rebuildDashboard run each; users whose build failed are handed to their own
 * rebuildDashboard workflow, which retries and, failing again, shows in `ops failed`.
 */
async function rebuildPage(
  userIds: string[],
  trigger: RebuildManyInput['trigger'],
  inPlace: boolean,
): Promise<{ succeeded: number; failures: { userId: string; reason: string }[] }> {
  if (!inPlace) return bulkActivities.rebuildUsers(userIds, trigger);
  const result = await batchActivities.buildDashboards(userIds.map((userId) => ({ userId, trigger })));
  if (result.failures.length > 0)
    await storageActivities.requestRebuilds(result.failures.map(({ userId }) => ({ userId, trigger })));
  return { succeeded: result.built + result.unchanged, failures: result.failures };
}

async function nextPage(
  input: RebuildManyInput,
  state: RebuildManyState,
  size: number,
): Promise<{ userIds: string[]; nextCursor?: string; last: boolean }> {
  if (input.userIds) {
    const userIds = input.userIds.slice(state.nextIndex, state.nextIndex + size);
    return { userIds, last: state.nextIndex + userIds.length >= input.userIds.length };
  }
  // Every user: a missing cursor after the first page means the scan is complete.
  if (state.nextIndex > 0 && !state.cursor) return { userIds: [], last: true };
  const page = await storageActivities.listUsersPage(size, state.cursor);
  return { ...page, last: !page.nextCursor };
}
