import { setTimeout as sleep } from 'node:timers/promises';
import { createDashboardBuilder } from '../../activities/build-dashboard.js';
import { taskQueues } from '../../config/index.js';
import { createActivityDeps } from '../../workers/activity-deps.js';
import { firstAccounts, renameAccount } from '../lib/domain-writes.js';
import { bridgeLag, waitForQuiet } from '../lib/settle.js';
import { historySince, type HistoryTally } from '../lib/temporal-history.js';
import { watchUpdates, type UpdateWatch } from '../lib/updates.js';
import { inBatches } from '../lib/users.js';
import type { BenchRun } from './context.js';

export interface RebuildRate {
  readonly users: number;
  readonly rebuilt: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface ThroughputResult {
  readonly rebuilds: {
    /**
     * The builder itself, in this process, with the worker's clients and options: no Temporal, no Kafka on the way
     * in.
     */
    readonly floor: RebuildRate & { readonly unchanged: number; readonly failures: number };
    /** Domain writes → Kafka → bridge → Temporal → build → DashboardUpdated, for as many other users. */
    readonly platform: RebuildRate & { readonly writeSeconds: number; readonly failedWrites: number };
    readonly ratio: number;
  };
  readonly events: {
    readonly writes: number;
    readonly users: number;
    readonly writeSeconds: number;
    readonly writesPerSecond: number;
    readonly rebuildsObserved: number;
    readonly drainSeconds: number;
    readonly maxLag: number;
    readonly lagSeries: { t: number; lag: number }[];
  };
  /** Temporal's history events for the runs the platform's part of this scenario started, per rebuild announced. */
  readonly history: HistoryTally & { readonly rebuilds: number; readonly eventsPerRebuild: number };
}

/** The longest wait for a scenario's updates: past it the missing ones are reported, not awaited. */
const UPDATES_BOUND_MS = 300_000;

/**
 * How many distinct users a second the platform rebuilds, against the floor of the same builds run
 * directly; then a burst of writes over a few users (coalescing); then what all that cost in
 * Temporal history events per rebuild.
 */
export async function throughput(run: BenchRun): Promise<ThroughputResult> {
  const { platform, size, users, log } = run;
  // Earlier scenarios' rebuilds are neither this scenario's load nor its history.
  await waitForQuiet(platform, 60_000, log);
  const floor = await rebuildFloor(run);
  const updates = await watchUpdates(platform.config);
  try {
    const platformUsers = users.take(size.rebuildUsers, 'platform rebuilds');
    const accountOf = await firstAccounts(platform.config, platformUsers);
    const burstUsers = users.take(Math.min(100, size.burstWrites), 'burst of writes');
    const burstAccounts = await firstAccounts(platform.config, burstUsers);
    const windowStart = new Date();

    log(`throughput: ${platformUsers.length} distinct users, one domain write each, as fast as they go`);
    const rebuilt = await rebuildThroughEvents(run, updates, accountOf);
    log(`throughput: ${size.burstWrites} writes over ${burstUsers.length} users as fast as they go`);
    const events = await burst(run, updates, burstAccounts);

    // Runs still closing would be counted short.
    await waitForQuiet(platform, 30_000, log);
    const queues = Object.values(taskQueues(platform.config));
    const tally = await historySince(platform.temporal, queues, windowStart);
    const rebuilds = [...platformUsers, ...burstUsers].reduce((sum, u) => sum + updates.count(u), 0);
    return {
      rebuilds: { floor, platform: rebuilt, ratio: rebuilt.perSecond / floor.perSecond },
      events,
      history: { ...tally, rebuilds, eventsPerRebuild: tally.events / rebuilds },
    };
  } finally {
    updates.close();
  }
}

/** The floor: `buildMany` over distinct users, exactly as one worker batch runs it, without Temporal. */
async function rebuildFloor({ platform, size, users, log }: BenchRun): Promise<ThroughputResult['rebuilds']['floor']> {
  // Warmed as the worker is by the scenarios before this one: a cold builder's first few hundred builds
  // run at about half its speed while V8 compiles them (measured: 157-164/s cold, 240-250/s warm).
  const warmUp = users.take(Math.min(200, size.rebuildUsers), 'rebuild floor warm-up');
  const floorUsers = users.take(size.rebuildUsers, 'rebuild floor');
  const { deps, close } = await createActivityDeps(platform.config);
  try {
    // The worker's clients are connected and its statements prepared by now; the floor's get the same start.
    const builder = createDashboardBuilder(deps);
    await builder.buildMany(warmUp.map((userId) => ({ userId, trigger: 'event' })));
    log(`throughput: floor, ${floorUsers.length} distinct users built in this process without Temporal`);
    const t0 = performance.now();
    const result = await builder.buildMany(floorUsers.map((userId) => ({ userId, trigger: 'event' })));
    const seconds = (performance.now() - t0) / 1000;
    if (result.failures.length > 0)
      log(`!! rebuild floor: ${result.failures.length} builds failed, e.g. ${result.failures[0]?.reason}`);
    return {
      users: floorUsers.length,
      rebuilt: result.built,
      seconds,
      perSecond: result.built / seconds,
      unchanged: result.unchanged,
      failures: result.failures.length,
    };
  } finally {
    await close();
  }
}

/**
 * One write per user as fast as the accounts service takes them; users/s = users rebuilt / time until the last one's
 * update.
 */
async function rebuildThroughEvents(
  { platform, log }: BenchRun,
  updates: UpdateWatch,
  accountOf: ReadonlyMap<string, string>,
): Promise<ThroughputResult['rebuilds']['platform']> {
  const userIds = [...accountOf.keys()];
  updates.forget(userIds);
  let failedWrites = 0;
  const t0 = performance.now();
  await inBatches(userIds, 50, async (u) => {
    if (!(await renameAccount(platform.config, u, accountOf.get(u) ?? '', `Rebuild ${u}`))) failedWrites++;
  });
  const writeSeconds = (performance.now() - t0) / 1000;
  while (userIds.some((u) => updates.count(u) === 0) && performance.now() - t0 < UPDATES_BOUND_MS) await sleep(100);
  const arrivals = userIds.flatMap((u) => updates.firstAt(u) ?? []);
  const seconds = (Math.max(t0, ...arrivals) - t0) / 1000;
  if (arrivals.length < userIds.length)
    log(
      `!! FAILURE platform rebuilds: ${userIds.length - arrivals.length} of ${userIds.length} users' updates never arrived within ${UPDATES_BOUND_MS / 1000} s`,
    );
  return {
    users: userIds.length,
    rebuilt: arrivals.length,
    seconds,
    perSecond: arrivals.length / seconds,
    writeSeconds,
    failedWrites,
  };
}

/** A burst of writes over a few users, through Kafka and the bridge: coalescing, with the bridge's lag sampled. */
async function burst(
  { platform, size }: BenchRun,
  updates: UpdateWatch,
  accountOf: ReadonlyMap<string, string>,
): Promise<ThroughputResult['events']> {
  const { config } = platform;
  const burstUsers = [...accountOf.keys()];
  updates.forget(burstUsers);
  const lagSeries: { t: number; lag: number }[] = [];
  const b0 = performance.now();
  const sampler = setInterval(() => {
    void bridgeLag(config).then(
      (lag) => lagSeries.push({ t: Math.round((performance.now() - b0) / 100) / 10, lag }),
      () => undefined,
    );
  }, 500);
  try {
    const writes = Array.from({ length: size.burstWrites }, (_, i) => burstUsers[i % burstUsers.length] ?? '');
    await inBatches(writes, 50, async (u) => {
      await renameAccount(config, u, accountOf.get(u) ?? '', `Burst ${Math.random()}`);
    });
    const writeSeconds = (performance.now() - b0) / 1000;
    // Drained: lag back to zero and every user rebuilt after its last write.
    while (performance.now() - b0 < UPDATES_BOUND_MS) {
      if ((await bridgeLag(config)) === 0 && burstUsers.every((u) => updates.count(u) > 0)) break;
      await sleep(200);
    }
    const drainSeconds = (performance.now() - b0) / 1000;
    return {
      writes: size.burstWrites,
      users: burstUsers.length,
      writeSeconds,
      writesPerSecond: size.burstWrites / writeSeconds,
      rebuildsObserved: burstUsers.reduce((sum, u) => sum + updates.count(u), 0),
      drainSeconds,
      maxLag: Math.max(0, ...lagSeries.map((s) => s.lag)),
      lagSeries,
    };
  } finally {
    clearInterval(sampler);
  }
}
