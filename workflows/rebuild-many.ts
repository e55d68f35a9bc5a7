import { continueAsNew, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { bulkActivities, storageActivities } from './activity-options.js';
import { workflowNow } from './clock.js';
import { rebuildManyProgressQuery, type RebuildManyInput, type RebuildManyProgress, type RebuildManyState } from './definitions.js';

/** Batches (of `ratePerSecond` users, one per second at most) per run before continue-as-new. */
const BATCHES_PER_RUN = 100;
/** Failures kept for the progress query; the counts stay exact. */
const FAILURES_KEPT = 50;

/**
 * Operators' bulk rebuild: a given list of users, or every user with a view (paged from Cassandra),
 * at a bounded rate. Each user is rebuilt synchronously, so progress counts real successes and
 * failures. Large runs continue as new with their position, so the history stays bounded.
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

  for (let batches = 0; ; batches++) {
    if (batches >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof rebuildMany>({ ...input, state });
    }
    const page = await nextPage(input, state, batchSize);
    if (page.userIds.length === 0) break;

    const startedAt = workflowNow();
    const result = await bulkActivities.rebuildUsers(page.userIds, input.trigger);
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

async function nextPage(input: RebuildManyInput, state: RebuildManyState, size: number): Promise<{ userIds: string[]; nextCursor?: string; last: boolean }> {
  if (input.userIds) {
    const userIds = input.userIds.slice(state.nextIndex, state.nextIndex + size);
    return { userIds, last: state.nextIndex + userIds.length >= input.userIds.length };
  }
  // Every user: a missing cursor after the first page means the scan is complete.
  if (state.nextIndex > 0 && !state.cursor) return { userIds: [], last: true };
  const page = await storageActivities.listUsersPage(size, state.cursor);
  return { ...page, last: !page.nextCursor };
}
