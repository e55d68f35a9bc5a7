import { localBatchActivities, localStorageActivities } from './activity-options.js';
import type { RebuildBatchInput, RebuildBatchResult } from './definitions.js';

/**
 * Event-driven rebuilds of many users at once: the Kafka bridge hands each group of distinct users it
 * consumed to one run of this workflow, so Temporal's cost per rebuilt user is a share of one start,
 * one workflow task and one marker instead of a workflow run, a timer and a dozen events each. The
 * builds run as one local activity; a user whose build fails is reported by it (never thrown), so the
 * others are stored and announced without waiting, and the failed users are handed to their own
 * rebuildDashboard workflow, which retries and, failing again, is what `ops failed` lists.
 */
export async function rebuildBatch(input: RebuildBatchInput): Promise<RebuildBatchResult> {
  const result = await localBatchActivities.buildDashboards(input.users);
  const failed = new Set(result.failures.map((f) => f.userId));
  const handOver = input.users.filter((u) => failed.has(u.userId));
  if (handOver.length > 0) await localStorageActivities.requestRebuilds(handOver);
  return { ...result, handedOver: handOver.length };
}
