import type { machineDetails } from './lib/machine.js';
import { round } from './lib/stats.js';
import type { AnalyticsRollupResult } from './scenarios/analytics-rollup.js';
import type { CacheHitResult } from './scenarios/cache-hit.js';
import type { CacheMissResult, MissRun } from './scenarios/cache-miss.js';
import type { CapacityResult } from './scenarios/capacity.js';
import type { FreshnessResult } from './scenarios/freshness.js';
import type { RebuildAllResult } from './scenarios/rebuild-all.js';
import type { ThroughputResult } from './scenarios/throughput.js';

/** What one run measured: written as JSON, printed as markdown. */
export interface BenchResult {
  readonly mode: string;
  readonly startedAt: string;
  readonly seconds: number;
  readonly seedUsers: number;
  readonly usersTaken: number;
  readonly platformStartSeconds: number;
  readonly machine: ReturnType<typeof machineDetails>;
  readonly cacheHit: CacheHitResult;
  readonly cacheMiss: CacheMissResult;
  readonly freshness: FreshnessResult[];
  readonly throughput: ThroughputResult;
  readonly rebuildAll: RebuildAllResult;
  readonly capacity: CapacityResult;
  /** Absent in results written before the analytics store existed. */
  readonly analyticsRollup?: AnalyticsRollupResult;
  /** Highest RSS of each process from the first scenario to the last. */
  readonly rssPeakMiB: Record<string, number>;
}

const ms = (n: number) => `${round(n, 1)}`;
const mib = (rss: Record<string, number>) =>
  Object.entries(rss)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
const sources = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([k, v]) => `${v}× ${k}`)
    .join(', ');
const missRow = (label: string, m: MissRun) =>
  `| ${label} (${sources(m.sources)}) | ${ms(m.latencyMs.p50)} | ${ms(m.latencyMs.p95)} | ${ms(m.latencyMs.p99)} | ${ms(m.latencyMs.max)} | ${round(m.ratioP50)} | ${round(m.ratioP95)} |`;

export function report(r: BenchResult): string {
  const { cacheHit: hit, cacheMiss: miss, throughput: t, rebuildAll: all } = r;
  const unseen = r.freshness.filter((f) => f.unseen > 0);
  const lines = [
    `## Benchmark (${r.mode}, ${r.seedUsers} seeded users, ${r.seconds} s)`,
    '',
    `Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, load ${r.machine.loadAverage.join(' ')}, ${r.machine.node}; every engine runs on it too. Platform up in ${round(r.platformStartSeconds, 1)} s; the scenarios used ${r.usersTaken} distinct users.`,
    '',
    '### 1. Cache hit: GET /v1/dashboard, warm Redis (latency ms)',
    '',
    '| rate req/s | API p50 | p95 | p99 | floor p50 | p95 | p99 | p99 ratio | API errors |',
    '|---|---|---|---|---|---|---|---|---|',
    ...hit.atRate.map(
      ({ rate, api, floor }) =>
        `| ${rate} (got ${round(api.requestsPerSecond, 0)}) | ${ms(api.latencyMs.p50)} | ${ms(api.latencyMs.p95)} | ${ms(api.latencyMs.p99)} | ${ms(floor.latencyMs.p50)} | ${ms(floor.latencyMs.p95)} | ${ms(floor.latencyMs.p99)} | ${round(api.latencyMs.p99 / floor.latencyMs.p99)} | ${api.non2xx + api.errors + api.timeouts} |`,
    ),
    '',
    `Each row and the highest rate are the median of ${hit.highest.requestsPerSecond.api.length} rounds, API and floor in turns; p99 per round at ${hit.atRate.map(({ rate, p99 }) => `${rate} req/s: API ${p99.api.map((x) => ms(x)).join(' / ')}, floor ${p99.floor.map((x) => ms(x)).join(' / ')} ms`).join('; ')}.`,
    '',
    `Highest rate: API ${round(hit.highest.api.requestsPerSecond, 0)} req/s (p99 ${ms(hit.highest.api.latencyMs.p99)} ms), floor ${round(hit.highest.floor.requestsPerSecond, 0)} req/s: ratio **${round(hit.highest.ratio)}** (rounds: API ${hit.highest.requestsPerSecond.api.map((x) => round(x, 0)).join(' / ')}, floor ${hit.highest.requestsPerSecond.floor.map((x) => round(x, 0)).join(' / ')} req/s).`,
    ...(hit.viewEvents
      ? [
          '',
          `DashboardViewed per read (insights), a fresh pair of API processes per round at their highest rate in turns: on ${hit.viewEvents.onRps.map((x) => round(x, 0)).join(' / ')} req/s, off ${hit.viewEvents.offRps.map((x) => round(x, 0)).join(' / ')} req/s: cost of the medians **${round(hit.viewEvents.cost * 100, 1)} %** (the analytics consumer paused meanwhile, as if it ran elsewhere). API CPU per read: on ${hit.viewEvents.cpuPerReadUs.on.map((x) => round(x, 0)).join(' / ')} µs, off ${hit.viewEvents.cpuPerReadUs.off.map((x) => round(x, 0)).join(' / ')} µs (cost of the medians ${round(hit.viewEvents.cpuCost * 100, 1)} %).`,
        ]
      : []),
    '',
    `### 2. Cache miss: synchronous rebuild, each domain service +${miss.domainLatencyMs} ms (latency ms)`,
    '',
    '| | p50 | p95 | p99 | max | p50 vs floor | p95 vs floor |',
    '|---|---|---|---|---|---|---|',
    missRow('API, idle', miss.idle),
    missRow(
      `API, during ${miss.storm.writes.rate} writes/s (got ${round(miss.storm.writes.writesPerSecond, 0)})`,
      miss.storm,
    ),
    `| floor: four calls in parallel + compose in-process | ${ms(miss.floor.p50)} | ${ms(miss.floor.p95)} | ${ms(miss.floor.p99)} | ${ms(miss.floor.max)} | | |`,
    `| floor during the storm, in turns with the misses | ${ms(miss.storm.floor.p50)} | ${ms(miss.storm.floor.p95)} | ${ms(miss.storm.floor.p99)} | ${ms(miss.storm.floor.max)} | | |`,
    '',
    `During the storm the misses were ${round(miss.storm.vsStormFloor.ratioP50)}× (p50) and **${round(miss.storm.vsStormFloor.ratioP95)}×** (p95) the floor measured in turns with them: what the platform adds to the machine's own load.`,
    '',
    `The storm: ${miss.storm.writes.writes} writes over ${miss.storm.writes.users} users (${miss.storm.writes.failed} failed, ${miss.storm.writes.skipped} skipped while the services fell behind) at ${round(miss.storm.writes.writesPerSecond, 0)} writes/s; its rebuilds ${miss.storm.backlogCleared ? `finished ${round(miss.storm.backlogSeconds, 1)} s after it ended` : `**were still running ${round(miss.storm.backlogSeconds, 0)} s after it ended**`}.`,
    '',
    '### 3. Freshness: domain write → DashboardUpdated on the SSE stream (ms)',
    '',
    '| writes/s | streams | writes | updates seen / expected | waited after last write | p50 | p95 | p99 |',
    '|---|---|---|---|---|---|---|---|',
    ...r.freshness.map(
      (f) =>
        `| ${f.rate} | ${f.streams} | ${f.writes} | ${f.seen} / ${f.expected}${f.unseen > 0 ? ' **FAILED**' : ''} | ${round(f.waitedSeconds, 1)} s | ${ms(f.latencyMs.p50)} | ${ms(f.latencyMs.p95)} | ${ms(f.latencyMs.p99)} |`,
    ),
    '',
    ...(unseen.length > 0
      ? [
          ...unseen.map(
            (f) =>
              `**FAILURE at ${f.rate} writes/s: ${f.unseen} of ${f.expected} updates never arrived** (waited ${round(f.waitedSeconds, 0)} s after the last write).`,
          ),
          '',
        ]
      : ["Every write's update arrived.", '']),
    '### 4. Throughput',
    '',
    `- Rebuild floor (the builder in one process, no Temporal): ${t.rebuilds.floor.rebuilt} of ${t.rebuilds.floor.users} distinct users in ${round(t.rebuilds.floor.seconds)} s = **${round(t.rebuilds.floor.perSecond, 1)} users/s**${t.rebuilds.floor.failures > 0 ? ` (${t.rebuilds.floor.failures} failed)` : ''}.`,
    `- Platform through the event path (write → Kafka → bridge → Temporal → build): ${t.rebuilds.platform.rebuilt} of ${t.rebuilds.platform.users} distinct users in ${round(t.rebuilds.platform.seconds)} s (writes took ${round(t.rebuilds.platform.writeSeconds, 1)} s) = **${round(t.rebuilds.platform.perSecond, 1)} users/s**, **${round(t.rebuilds.ratio)}×** the floor.${t.rebuilds.platform.rebuilt < t.rebuilds.platform.users ? ` **FAILURE: ${t.rebuilds.platform.users - t.rebuilds.platform.rebuilt} users never rebuilt.**` : ''}`,
    `- Events: ${t.events.writes} writes over ${t.events.users} users at ${round(t.events.writesPerSecond, 0)} writes/s → ${t.events.rebuildsObserved} rebuilds (coalescing), drained in ${round(t.events.drainSeconds, 1)} s; bridge lag peaked at ${t.events.maxLag} (series in the JSON).`,
    `- Temporal history: ${t.history.events} events in ${t.history.workflows} runs (${
      Object.entries(t.history.byType)
        .map(([type, v]) => `${type} ${v.workflows} runs, ${v.events} events`)
        .join('; ') || 'none'
    }) for ${t.history.rebuilds} rebuilds = **${round(t.history.eventsPerRebuild, 1)} events per user rebuilt**.`,
    '',
    `### 5. Operator rebuild-all: rebuildMany over ${all.users} users, at most ${all.ratePerSecond}/s`,
    '',
    all.finished
      ? `- ${all.succeeded} rebuilt, ${all.failed} failed, in ${round(all.seconds, 1)} s = **${round(all.perSecond, 1)} users/s**.`
      : `- **FAILURE: ${all.error ? `the workflow failed (${all.error})` : `not done after ${round(all.seconds, 0)} s`}**: ${all.succeeded} rebuilt, ${all.failed} failed = ${round(all.perSecond, 1)} users/s.`,
    `- Cache misses meanwhile (${sources(all.missesDuring.sources)}): p50 ${ms(all.missesDuring.latencyMs.p50)} ms, p95 **${ms(all.missesDuring.latencyMs.p95)} ms**, p99 ${ms(all.missesDuring.latencyMs.p99)} ms; p95 ${round(all.missesDuring.ratioP95)}× the miss floor.`,
    `- Temporal history: ${all.history.events} events in ${all.history.workflows} runs = ${round(all.history.eventsPerUser, 1)} events per user rebuilt.`,
    '',
    '### 6. Memory and connections',
    '',
    `- Highest RSS from the first scenario to the last, sampled every 500 ms (MiB): ${mib(r.rssPeakMiB)}.`,
    `- RSS during the highest-rate cache-hit run (MiB): ${mib(hit.rssDuringMaxMiB)}.`,
    `- SSE: ${r.capacity.sseStreamsOpened} of ${r.capacity.sseTarget} streams held by one API process, ${r.capacity.sseStreamsUpdated} received their user's update${r.capacity.sseStreamsUpdated < r.capacity.sseStreamsOpened ? ' (**FAILURE**)' : ''}; its RSS ${r.capacity.apiRssBeforeMiB} → ${r.capacity.apiRssWithStreamsMiB} → ${r.capacity.apiRssAfterMiB} MiB 10 s after they closed (heap used ${r.capacity.apiHeapMiB.before} → ${r.capacity.apiHeapMiB.withStreams} → ${r.capacity.apiHeapMiB.after} MiB; ${r.capacity.streamsLeftOpen} left open).`,
    '',
    ...(r.analyticsRollup
      ? [
          '### 7. Analytics rollup',
          '',
          `- One day of ${r.analyticsRollup.rawEvents} raw events (written in ${round(r.analyticsRollup.seedSeconds, 1)} s) rolled up into every summary in ${r.analyticsRollup.rollupSeconds.map((x) => round(x, 1)).join(' / ')} s: median **${round(r.analyticsRollup.medianSeconds, 1)} s**.`,
          '',
        ]
      : []),
  ];
  return lines.join('\n');
}
