import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { machineDetails } from './lib/machine.js';
import { startBenchPlatform } from './lib/platform.js';
import { sampleRss } from './lib/rss.js';
import { createUserPool } from './lib/users.js';
import { report, type BenchResult } from './report.js';
import { analyticsRollup } from './scenarios/analytics-rollup.js';
import { cacheHit } from './scenarios/cache-hit.js';
import { cacheMiss } from './scenarios/cache-miss.js';
import { capacity } from './scenarios/capacity.js';
import type { BenchRun, BenchSize } from './scenarios/context.js';
import { freshness } from './scenarios/freshness.js';
import { rebuildAll } from './scenarios/rebuild-all.js';
import { throughput } from './scenarios/throughput.js';

/**
 * `npm run bench [-- --full | --smoke]`: runs the whole platform locally and measures read latency,
 * miss latency (idle and during a storm of writes), freshness, rebuild throughput, an operator's bulk
 * rebuild and memory, each against a floor measured in the same run. Prints a markdown table and
 * writes JSON (with the machine's details) to bench/results/.
 */
const SIZES: Record<'smoke' | 'quick' | 'full', BenchSize> = {
  // Proves the harness works end to end (used by the test); its numbers mean little.
  smoke: {
    seedUsers: 500,
    warmUsers: 20,
    rates: [200],
    loadSeconds: 2,
    hitRounds: 1,
    missSamples: 5,
    stormRate: 20,
    freshnessRates: [10],
    freshnessSeconds: 2,
    freshnessDrainSeconds: 20,
    rebuildUsers: 20,
    burstWrites: 50,
    rebuildAllUsers: 100,
    rebuildAllRate: 100,
    rebuildAllTimeoutSeconds: 60,
    sseStreams: 50,
    rollupEvents: 10_000,
  },
  // Every scenario takes users of its own (bench/lib/users.ts); rebuild-all alone takes 10,000.
  quick: {
    seedUsers: 17_000,
    warmUsers: 300,
    rates: [500, 1000, 2000],
    loadSeconds: 8,
    hitRounds: 3,
    missSamples: 40,
    stormRate: 500,
    freshnessRates: [50, 100, 200, 500],
    freshnessSeconds: 8,
    freshnessDrainSeconds: 60,
    rebuildUsers: 1000,
    burstWrites: 1000,
    rebuildAllUsers: 10_000,
    rebuildAllRate: 500,
    rebuildAllTimeoutSeconds: 300,
    sseStreams: 2000,
    rollupEvents: 1_000_000,
  },
  full: {
    seedUsers: 25_000,
    warmUsers: 2000,
    rates: [500, 1000, 2000],
    loadSeconds: 30,
    hitRounds: 3,
    missSamples: 200,
    stormRate: 500,
    freshnessRates: [50, 100, 200, 500],
    freshnessSeconds: 30,
    freshnessDrainSeconds: 60,
    rebuildUsers: 2000,
    burstWrites: 5000,
    rebuildAllUsers: 10_000,
    rebuildAllRate: 500,
    rebuildAllTimeoutSeconds: 600,
    sseStreams: 10_000,
    rollupEvents: 1_000_000,
  },
};

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      full: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const mode = values.smoke ? 'smoke' : values.full ? 'full' : 'quick';
  const size = SIZES[mode];
  const started = new Date();
  log(`mode ${mode}: ${size.seedUsers} seeded users`);
  const platform = await startBenchPlatform(size.seedUsers, log);
  const platformStartSeconds = (Date.now() - started.getTime()) / 1000;
  // An interrupted run still stops the processes it started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the platform`);
      void platform.stop().finally(() => process.exit(130));
    });
  }
  // From the first scenario to the last: the worker's memory grows with what it has cached.
  const rss = sampleRss(() => platform.rss());
  try {
    const run: BenchRun = { platform, size, users: createUserPool(size.seedUsers), log };
    const hit = await cacheHit(run);
    const miss = await cacheMiss(run);
    const fresh = await freshness(run);
    const through = await throughput(run);
    const bulk = await rebuildAll(run, miss.floor);
    const cap = await capacity(run);
    const rollup = await analyticsRollup(run);
    const result: BenchResult = {
      mode,
      startedAt: started.toISOString(),
      seconds: Math.round((Date.now() - started.getTime()) / 1000),
      seedUsers: size.seedUsers,
      usersTaken: run.users.taken,
      platformStartSeconds,
      machine: machineDetails(),
      cacheHit: hit,
      cacheMiss: miss,
      freshness: fresh,
      throughput: through,
      rebuildAll: bulk,
      capacity: cap,
      analyticsRollup: rollup,
      rssPeakMiB: rss.stop(),
    };
    const file = values.out ?? `bench/results/${started.toISOString().replace(/[:.]/g, '-')}-${mode}.json`;
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2));
    process.stdout.write(report(result));
    log(`results written to ${file}`);
  } finally {
    rss.stop();
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
