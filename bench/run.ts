import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { machineDetails } from './lib/machine.js';
import { startBenchPlatform } from './lib/platform.js';
import { round } from './lib/stats.js';
import { cacheHit, cacheMiss, capacity, freshness, throughput, type BenchSize } from './scenarios.js';

/**
 * `npm run bench [-- --full | --smoke]`: runs the whole platform locally and measures read latency,
 * miss latency, freshness, throughput and capacity, each against a floor measured in the same run.
 * Prints a markdown table and writes JSON (with the machine's details) to bench/results/.
 */
const SIZES: Record<'smoke' | 'quick' | 'full', BenchSize> = {
  // Proves the harness works end to end (used by the test); its numbers mean little.
  smoke: { seedUsers: 500, warmUsers: 20, rates: [200], loadSeconds: 2, missSamples: 5, freshnessRates: [10], freshnessSeconds: 2, rebuildUsers: 20, burstWrites: 50, sseStreams: 50 },
  quick: { seedUsers: 2_000, warmUsers: 300, rates: [500, 1000, 2000], loadSeconds: 8, missSamples: 40, freshnessRates: [50, 100, 200], freshnessSeconds: 8, rebuildUsers: 300, burstWrites: 1000, sseStreams: 1000 },
  full: { seedUsers: 10_000, warmUsers: 2000, rates: [500, 1000, 2000], loadSeconds: 30, missSamples: 200, freshnessRates: [50, 100, 200], freshnessSeconds: 30, rebuildUsers: 2000, burstWrites: 5000, sseStreams: 5000 },
};

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { full: { type: 'boolean', default: false }, smoke: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const mode = values.smoke ? 'smoke' : values.full ? 'full' : 'quick';
  const size = SIZES[mode];
  const started = new Date();
  log(`mode ${mode}: ${size.seedUsers} seeded users`);
  const platform = await startBenchPlatform(size.seedUsers, log);
  // An interrupted run still stops the processes it started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the platform`);
      void platform.stop().finally(() => process.exit(130));
    });
  }
  try {
    const hit = await cacheHit(platform, size, log);
    const miss = await cacheMiss(platform, size, log);
    const fresh = await freshness(platform, size, log);
    const through = await throughput(platform, size, log);
    const cap = await capacity(platform, size, log);
    const result = {
      mode,
      startedAt: started.toISOString(),
      seconds: Math.round((Date.now() - started.getTime()) / 1000),
      seedUsers: size.seedUsers,
      machine: machineDetails(),
      cacheHit: hit,
      cacheMiss: miss,
      freshness: fresh,
      throughput: through,
      capacity: cap,
    };
    const file = values.out ?? `bench/results/${started.toISOString().replace(/[:.]/g, '-')}-${mode}.json`;
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2));
    process.stdout.write(report(result));
    log(`results written to ${file}`);
  } finally {
    await platform.stop();
  }
}

type Result = {
  mode: string;
  seedUsers: number;
  seconds: number;
  machine: ReturnType<typeof machineDetails>;
  cacheHit: Awaited<ReturnType<typeof cacheHit>>;
  cacheMiss: Awaited<ReturnType<typeof cacheMiss>>;
  freshness: Awaited<ReturnType<typeof freshness>>;
  throughput: Awaited<ReturnType<typeof throughput>>;
  capacity: Awaited<ReturnType<typeof capacity>>;
};

function report(r: Result): string {
  const ms = (n: number) => `${round(n, 1)}`;
  const lines = [
    `## Benchmark (${r.mode}, ${r.seedUsers} seeded users, ${r.seconds} s)`,
    '',
    `Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, load ${r.machine.loadAverage.join(' ')}, ${r.machine.node}; every engine runs on it too.`,
    '',
    '### 1. Cache hit: GET /v1/dashboard, warm Redis (latency ms)',
    '',
    '| rate req/s | API p50 | p95 | p99 | floor p50 | p95 | p99 | p99 ratio | API errors |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.cacheHit.atRate.map(
      ({ rate, api, floor }) =>
        `| ${rate} (got ${round(api.requestsPerSecond, 0)}) | ${ms(api.latencyMs.p50)} | ${ms(api.latencyMs.p95)} | ${ms(api.latencyMs.p99)} | ${ms(floor.latencyMs.p50)} | ${ms(floor.latencyMs.p95)} | ${ms(floor.latencyMs.p99)} | ${round(api.latencyMs.p99 / floor.latencyMs.p99)} | ${api.non2xx + api.errors + api.timeouts} |`,
    ),
    '',
    `Highest rate: API ${round(r.cacheHit.highest.api.requestsPerSecond, 0)} req/s (p99 ${ms(r.cacheHit.highest.api.latencyMs.p99)} ms), floor ${round(r.cacheHit.highest.floor.requestsPerSecond, 0)} req/s: ratio **${round(r.cacheHit.highest.ratio)}**.`,
    '',
    `### 2. Cache miss: synchronous rebuild, each domain service +${r.cacheMiss.domainLatencyMs} ms (latency ms)`,
    '',
    '| | p50 | p95 | p99 | max |',
    '|---|---|---|---|---|',
    `| API (${Object.entries(r.cacheMiss.sources).map(([k, v]) => `${v}× ${k}`).join(', ')}) | ${ms(r.cacheMiss.api.p50)} | ${ms(r.cacheMiss.api.p95)} | ${ms(r.cacheMiss.api.p99)} | ${ms(r.cacheMiss.api.max)} |`,
    `| floor: four calls in parallel + compose in-process | ${ms(r.cacheMiss.floor.p50)} | ${ms(r.cacheMiss.floor.p95)} | ${ms(r.cacheMiss.floor.p99)} | ${ms(r.cacheMiss.floor.max)} |`,
    `| ratio | ${round(r.cacheMiss.ratioP50)} | ${round(r.cacheMiss.ratioP95)} | | |`,
    '',
    '### 3. Freshness: domain write → DashboardUpdated on the SSE stream (ms)',
    '',
    '| writes/s | streams | writes | updates seen | p50 | p95 | p99 |',
    '|---|---|---|---|---|---|---|',
    ...r.freshness.map((f) => `| ${f.rate} | ${f.streams} | ${f.writes} | ${f.received} | ${ms(f.latencyMs.p50)} | ${ms(f.latencyMs.p95)} | ${ms(f.latencyMs.p99)} |`),
    '',
    '### 4. Throughput',
    '',
    `- Rebuilds: ${r.throughput.rebuilds.users} distinct users in ${round(r.throughput.rebuilds.seconds)} s = **${round(r.throughput.rebuilds.perSecond, 1)} rebuilds/s**.`,
    `- Events: ${r.throughput.events.writes} writes over ${r.throughput.events.users} users at ${round(r.throughput.events.writesPerSecond, 0)} writes/s → ${r.throughput.events.rebuildsObserved} rebuilds (coalescing), drained in ${round(r.throughput.events.drainSeconds, 1)} s; bridge lag peaked at ${r.throughput.events.maxLag} (series in the JSON).`,
    '',
    '### 5. Memory and connections',
    '',
    `- RSS during the highest-rate run (MiB): ${Object.entries(r.cacheHit.rssDuringMaxMiB).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `- SSE: ${r.capacity.sseStreamsOpened} of ${r.capacity.sseTarget} streams held by one API process; its RSS ${r.capacity.apiRssBeforeMiB} → ${r.capacity.apiRssWithStreamsMiB} MiB.`,
    '',
  ];
  return lines.join('\n');
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
