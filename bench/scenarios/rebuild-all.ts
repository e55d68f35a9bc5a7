import { setTimeout as sleep } from 'node:timers/promises';
import { createDashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
import { taskQueues } from '../../config/index.js';
import { rebuildManyProgressQuery, type RebuildManyProgress } from '../../contract/workflows.js';
import type { rebuildMany } from '../../workflows/rebuild-many.js';
import { forgetDashboards, sampleMisses } from '../lib/misses.js';
import { waitForQuiet } from '../lib/settle.js';
import type { Summary } from '../lib/stats.js';
import { historySince, type HistoryTally } from '../lib/temporal-history.js';
import { missRun, type MissRun } from './cache-miss.js';
import type { BenchRun } from './context.js';

export interface RebuildAllResult {
  readonly users: number;
  readonly ratePerSecond: number;
  /** False when the run was still going at the scenario's time limit (it was then terminated). */
  readonly finished: boolean;
  readonly error?: string;
  readonly seconds: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly perSecond: number;
  /** Cache misses of other users, one a second while the run went on; ratios against the cache-miss floor. */
  readonly missesDuring: MissRun;
  readonly history: HistoryTally & { readonly eventsPerUser: number };
}

const MISS_GAP_MS = 1_000;

/**
 * `ops rebuild-all` over a list of users: the same rebuildMany workflow the command starts, at its
 * rate limit, timed to its result, while cache misses of other users are measured, since an
 * operator's bulk run must not make the people opening the app wait.
 */
export async function rebuildAll(
  { platform, size, users, log }: BenchRun,
  missFloor: Summary,
): Promise<RebuildAllResult> {
  const { config, temporal } = platform;
  const userIds = users.take(size.rebuildAllUsers, 'rebuild-all');
  // Enough users for one miss a second until the time limit.
  const missUsers = users.take(
    Math.ceil((size.rebuildAllTimeoutSeconds * 1000) / MISS_GAP_MS),
    'cache miss during rebuild-all',
  );
  await forgetDashboards(config, missUsers);
  await waitForQuiet(platform, 60_000, log);

  const windowStart = new Date();
  const workflowId = `rebuild-many:admin:${windowStart.toISOString()}:bench`;
  log(
    `rebuild-all: ${userIds.length} users at most ${size.rebuildAllRate}/s (${workflowId}), cache misses measured meanwhile`,
  );
  const t0 = performance.now();
  await createDashboardWorkflows(temporal, taskQueues(config)).startRebuildMany(workflowId, {
    userIds,
    ratePerSecond: size.rebuildAllRate,
    trigger: 'admin',
  });
  const handle = temporal.workflow.getHandle<typeof rebuildMany>(workflowId);

  let ended: { progress?: RebuildManyProgress; error?: string; at: number } | undefined;
  let measuring = true;
  const outcome = handle.result().then(
    (progress) => {
      ended = { progress, at: performance.now() };
    },
    (error: unknown) => {
      ended = { error: error instanceof Error ? error.message : String(error), at: performance.now() };
    },
  );
  const misses = sampleMisses(config, missUsers, { gapMs: MISS_GAP_MS, until: () => !measuring });
  const limit = new AbortController();
  const timedOut = await Promise.race([
    outcome.then(() => false),
    sleep(size.rebuildAllTimeoutSeconds * 1000, undefined, { signal: limit.signal }).then(
      () => true,
      () => false,
    ),
  ]);
  // A pending timer would keep the finished benchmark alive.
  limit.abort();
  measuring = false;
  const seconds = ((ended?.at ?? performance.now()) - t0) / 1000;
  let progress = ended?.progress;
  if (timedOut) {
    progress = await handle.query(rebuildManyProgressQuery).catch(() => undefined);
    log(
      `!! FAILURE rebuild-all: not done after ${size.rebuildAllTimeoutSeconds} s (${progress?.succeeded ?? '?'} of ${userIds.length} rebuilt); terminating it`,
    );
    await handle.terminate('benchmark: rebuild-all exceeded its time limit').catch(() => undefined);
  }
  const error = timedOut ? undefined : ended?.error;
  if (error) log(`!! FAILURE rebuild-all: the workflow failed: ${error}`);
  const missSample = await misses;

  await waitForQuiet(platform, 30_000, log);
  // The misses measured meanwhile are not the bulk run's cost.
  const tally = await historySince(temporal, Object.values(taskQueues(config)), windowStart, {
    notTriggeredBy: 'miss',
  });
  const succeeded = progress?.succeeded ?? 0;
  return {
    users: userIds.length,
    ratePerSecond: size.rebuildAllRate,
    finished: !timedOut && !error,
    ...(error ? { error } : {}),
    seconds,
    succeeded,
    failed: progress?.failed ?? 0,
    perSecond: succeeded / seconds,
    missesDuring: missRun(missSample, missFloor),
    history: { ...tally, eventsPerUser: tally.events / Math.max(1, succeeded) },
  };
}
