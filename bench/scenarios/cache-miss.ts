import { setTimeout as sleep } from 'node:timers/promises';
import { firstAccounts, setFaults, startWriteStorm, type StormResult } from '../lib/domain-writes.js';
import { forgetDashboards, sampleMissFloor, sampleMisses, type MissSample } from '../lib/misses.js';
import { waitForQuiet } from '../lib/settle.js';
import { summarize, type Summary } from '../lib/stats.js';
import type { BenchRun } from './context.js';

export interface MissRun {
  readonly latencyMs: Summary;
  readonly sources: Record<string, number>;
  /** Against the floor measured in the same scenario. */
  readonly ratioP50: number;
  readonly ratioP95: number;
}

export interface CacheMissResult {
  readonly domainLatencyMs: number;
  readonly floor: Summary;
  readonly idle: MissRun;
  /** The same misses, other users, while domain writes of other users arrive at `storm.writes.rate`. */
  readonly storm: MissRun & {
    /**
     * The floor's four calls for other users during the same storm, each right after a miss: what the
     * machine's load alone does to a miss, so `vsStormFloor` is what the platform adds under it.
     */
    readonly floor: Summary;
    readonly vsStormFloor: MissRun;
    readonly writes: StormResult;
    readonly backlogSeconds: number;
    readonly backlogCleared: boolean;
  };
}

export const missRun = (sample: MissSample, floor: Summary): MissRun => {
  const latencyMs = summarize(sample.latencies);
  return {
    latencyMs,
    sources: sample.sources,
    ratioP50: latencyMs.p50 / floor.p50,
    ratioP95: latencyMs.p95 / floor.p95,
  };
};

/**
 * Users with no cache entry and no view, one request at a time, each domain service 20 ms slower:
 * first on an idle platform, then during a storm of domain writes for other users, which is when a
 * miss must not queue behind event-driven rebuilds. Floor: the same four calls in parallel, directly.
 */
export async function cacheMiss({ platform, size, users, log }: BenchRun): Promise<CacheMissResult> {
  const { config } = platform;
  const domainLatencyMs = 20;
  const idleUsers = users.take(size.missSamples, 'cache miss');
  const floorUsers = users.take(size.missSamples, 'cache miss floor');
  const stormMissUsers = users.take(size.missSamples, 'cache miss during a storm');
  const stormFloorUsers = users.take(size.missSamples, 'cache miss floor during a storm');
  // Two seconds between writes to one user, as in the freshness scenario.
  const stormAccounts = await firstAccounts(config, users.take(Math.max(20, size.stormRate * 2), 'write storm'));
  await forgetDashboards(config, [...idleUsers, ...stormMissUsers]);

  await setFaults(config, { latencyMs: domainLatencyMs });
  let idle: MissSample;
  let floorLatencies: number[];
  const stormMisses: MissSample = { latencies: [], sources: {} };
  const stormFloorLatencies: number[] = [];
  let writes: StormResult;
  try {
    log(`cache miss: ${idleUsers.length} fresh users, one at a time, domain services at +${domainLatencyMs} ms`);
    idle = await sampleMisses(config, idleUsers);
    log('cache miss: floor (the same four calls in parallel, composed in-process)');
    floorLatencies = await sampleMissFloor(config, floorUsers);
    log(
      `cache miss: ${stormMissUsers.length} more during ${size.stormRate} domain writes/s over ${stormAccounts.size} other users`,
    );
    const storm = startWriteStorm(config, stormAccounts, size.stormRate);
    try {
      // The storm's events reach the worker before the first miss is measured.
      await sleep(2_000);
      // In turns, so the misses and their floor see the same point of the storm's growing backlog.
      for (const [i, userId] of stormMissUsers.entries()) {
        const one = await sampleMisses(config, [userId]);
        stormMisses.latencies.push(...one.latencies);
        for (const [source, n] of Object.entries(one.sources))
          stormMisses.sources[source] = (stormMisses.sources[source] ?? 0) + n;
        stormFloorLatencies.push(...(await sampleMissFloor(config, [stormFloorUsers[i]!])));
      }
    } finally {
      writes = await storm.stop();
    }
  } finally {
    await setFaults(config, {});
  }
  log(`cache miss: waiting for the storm's rebuilds to finish (${writes.writes} writes sent)`);
  const t0 = performance.now();
  const backlogCleared = await waitForQuiet(platform, 180_000);
  const backlogSeconds = (performance.now() - t0) / 1000;
  if (!backlogCleared)
    log(
      `!! the storm's rebuilds were still running ${Math.round(backlogSeconds)} s after it ended; later scenarios run beside them`,
    );

  const floor = summarize(floorLatencies);
  const stormFloor = summarize(stormFloorLatencies);
  return {
    domainLatencyMs,
    floor,
    idle: missRun(idle, floor),
    storm: {
      ...missRun(stormMisses, floor),
      floor: stormFloor,
      vsStormFloor: missRun(stormMisses, stormFloor),
      writes,
      backlogSeconds,
      backlogCleared,
    },
  };
}
