import { z } from 'zod';

/**
 * The capacity model for a bank of N customers (docs/capacity.md): what a day and a salary-day peak
 * cost the platform, from the bench's measured costs per rebuild and per read and from assumptions an
 * operator can change. Pure arithmetic, so a test pins it; bench/capacity.ts reads a bench result
 * and writes the document.
 */

/** The figures of a bench result (bench/results/*.json) the model uses; the rest is ignored. */
export const MeasuredCosts = z.object({
  mode: z.string(),
  startedAt: z.string(),
  machine: z.object({ cores: z.number().int().positive() }),
  cacheHit: z.object({
    highest: z.object({ api: z.object({ requestsPerSecond: z.number().positive() }) }),
  }),
  throughput: z.object({
    rebuilds: z.object({ platform: z.object({ perSecond: z.number().positive() }) }),
    history: z.object({
      workflows: z.number().int().nonnegative(),
      rebuilds: z.number().int().positive(),
      eventsPerRebuild: z.number().nonnegative(),
    }),
  }),
  rebuildAll: z.object({ perSecond: z.number().positive() }),
  capacity: z.object({
    sseStreamsOpened: z.number().int().positive(),
    apiRssBeforeMiB: z.number().positive(),
    apiRssWithStreamsMiB: z.number().positive(),
  }),
  rssPeakMiB: z.record(z.string(), z.number()),
});
export type MeasuredCosts = z.infer<typeof MeasuredCosts>;

/** What the model assumes about the bank and its customers; every figure can be changed. */
export interface Assumptions {
  readonly customers: number;
  /** Dashboard opens per customer and day (app starts, returns to the home screen). */
  readonly opensPerCustomerPerDay: number;
  /** Share of a day's opens in its busiest hour. */
  readonly busiestHourShare: number;
  /** Domain events per customer and day (postings, account and partner changes, offers). */
  readonly eventsPerCustomerPerDay: number;
  /** Share of a day's events in its busiest hour on an ordinary day. */
  readonly eventsBusiestHourShare: number;
  /** Salary day: every customer gets one posting within this many minutes. */
  readonly salaryWindowMinutes: number;
  /** Preference changes per customer and day. */
  readonly preferenceChangesPerCustomerPerDay: number;
  /** Share of opens answered from the cache (the rest rebuild synchronously). */
  readonly cacheHitRatio: number;
  /** Customers with an open live stream in the busiest hour. */
  readonly liveStreamShare: number;
  /** Distinct rendered profiles (platform and app version) per active customer. */
  readonly profilesPerCustomer: number;
  /** Share of customers who open the dashboard within the cache TTL, so their renders are in Redis. */
  readonly cachedCustomerShare: number;
  /** Bytes of one rendered dashboard in Redis, and of one canonical view and one source snapshot in Cassandra. */
  readonly renderBytes: number;
  readonly viewBytes: number;
  readonly snapshotBytes: number;
  /** Preference history rows kept per customer, and their size. */
  readonly historyRowsPerCustomer: number;
  readonly historyRowBytes: number;
  readonly cassandraReplication: number;
  /** Kafka events a partition should carry at peak at most, and bytes per event. */
  readonly eventsPerPartitionPerSecond: number;
  readonly eventBytes: number;
  readonly kafkaRetentionDays: number;
  /** Share of a process's measured capacity the plan uses at peak (the rest is headroom). */
  readonly targetUtilisation: number;
  /** Streams one API process holds at most (issue 13's target). */
  readonly streamsPerApiProcess: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  customers: 10_000_000,
  opensPerCustomerPerDay: 3,
  busiestHourShare: 0.12,
  eventsPerCustomerPerDay: 2,
  eventsBusiestHourShare: 0.1,
  salaryWindowMinutes: 60,
  preferenceChangesPerCustomerPerDay: 0.02,
  cacheHitRatio: 0.95,
  liveStreamShare: 0.02,
  profilesPerCustomer: 1.2,
  cachedCustomerShare: 0.5,
  // Measured in Redis after a quick bench: views 4.4 kB, renders 2.1 kB for the seeded users (a few
  // accounts and partners each); rounded up for customers with more.
  renderBytes: 3_000,
  viewBytes: 6_000,
  snapshotBytes: 2_000,
  historyRowsPerCustomer: 20,
  historyRowBytes: 600,
  cassandraReplication: 3,
  eventsPerPartitionPerSecond: 1_000,
  eventBytes: 700,
  kafkaRetentionDays: 7,
  targetUtilisation: 0.5,
  streamsPerApiProcess: 10_000,
};

const HOUR_S = 3_600;
const GIB = 1024 ** 3;
/** What a build writes to Cassandra: its view and a snapshot of each of four sources. */
const CASSANDRA_WRITES_PER_BUILD = 5;
/** A preference change writes the preferences and one history row. */
const CASSANDRA_WRITES_PER_PREFERENCE_CHANGE = 2;
/** Temporal actions of an event-driven batch: its start and its one local activity. */
const ACTIONS_PER_BATCH = 2;
/** A cache miss or a preference change: a rebuildDashboard start, its update and its local activity. */
const ACTIONS_PER_INTERACTIVE_BUILD = 3;

export interface CapacityFigures {
  readonly measured: {
    readonly rebuildsPerSecondPerWorker: number;
    readonly hitsPerSecondPerApi: number;
    readonly historyEventsPerRebuild: number;
    readonly batchesPerRebuild: number;
    readonly streamKiB: number;
    readonly workerRssMiB: number;
    /** Cores of the bench machine, shared by every process and engine while it measured. */
    readonly benchCores: number;
  };
  readonly day: {
    readonly opens: number;
    readonly events: number;
    readonly preferenceChanges: number;
    readonly rebuilds: number;
    readonly temporalActions: number;
    readonly cassandraWrites: number;
  };
  readonly peak: {
    readonly readsPerSecond: number;
    readonly missesPerSecond: number;
    readonly ordinaryEventsPerSecond: number;
    readonly salaryEventsPerSecond: number;
    /** Rebuilds a second the platform must sustain: the salary-day peak plus the misses meanwhile. */
    readonly rebuildsPerSecond: number;
    readonly temporalActionsPerSecond: number;
    readonly cassandraWritesPerSecond: number;
    readonly liveStreams: number;
  };
  readonly month: { readonly temporalActions: number };
  readonly storage: {
    readonly cassandraGiB: number;
    readonly redisGiB: number;
    readonly kafkaGiB: number;
  };
  readonly processes: {
    readonly workers: number;
    readonly bridges: number;
    readonly apis: number;
    readonly kafkaPartitions: number;
  };
}

/**
 * The model. A measured rate is what one bench process did on a machine whose few cores it shared
 * with every engine, the domain services and the load; a production process with a core of its own
 * does at least that much, so the rates are taken as they are (conservative), and the plan runs each
 * process at `targetUtilisation` of it.
 */
export function capacityModel(measuredCosts: MeasuredCosts, a: Assumptions = DEFAULT_ASSUMPTIONS): CapacityFigures {
  const m = measuredCosts;
  const rebuildsPerSecondPerWorker = m.throughput.rebuilds.platform.perSecond;
  const hitsPerSecondPerApi = m.cacheHit.highest.api.requestsPerSecond;
  const batchesPerRebuild = m.throughput.history.workflows / m.throughput.history.rebuilds;
  const streamKiB =
    ((m.capacity.apiRssWithStreamsMiB - m.capacity.apiRssBeforeMiB) * 1024) / m.capacity.sseStreamsOpened;

  const opens = a.customers * a.opensPerCustomerPerDay;
  const events = a.customers * a.eventsPerCustomerPerDay;
  const preferenceChanges = a.customers * a.preferenceChangesPerCustomerPerDay;
  const misses = opens * (1 - a.cacheHitRatio);
  // Event-driven rebuilds coalesce per user within a batch; a day's count is bounded by its events.
  const eventRebuilds = events;
  const interactiveBuilds = misses + preferenceChanges;
  const rebuilds = eventRebuilds + interactiveBuilds;
  const actions =
    eventRebuilds * batchesPerRebuild * ACTIONS_PER_BATCH + interactiveBuilds * ACTIONS_PER_INTERACTIVE_BUILD;

  const readsPerSecond = (opens * a.busiestHourShare) / HOUR_S;
  const missesPerSecond = readsPerSecond * (1 - a.cacheHitRatio);
  const ordinaryEventsPerSecond = (events * a.eventsBusiestHourShare) / HOUR_S;
  // On salary day the day's ordinary peak still happens, and every customer's posting comes on top.
  const salaryEventsPerSecond = ordinaryEventsPerSecond + a.customers / (a.salaryWindowMinutes * 60);
  const rebuildsPerSecond = salaryEventsPerSecond + missesPerSecond;
  const temporalActionsPerSecond =
    salaryEventsPerSecond * batchesPerRebuild * ACTIONS_PER_BATCH + missesPerSecond * ACTIONS_PER_INTERACTIVE_BUILD;
  const cassandraWritesPerSecond =
    rebuildsPerSecond * CASSANDRA_WRITES_PER_BUILD +
    ((preferenceChanges * a.busiestHourShare) / HOUR_S) * CASSANDRA_WRITES_PER_PREFERENCE_CHANGE;
  const liveStreams = a.customers * a.liveStreamShare;

  const cassandraBytes =
    a.customers *
    (a.viewBytes + 4 * a.snapshotBytes + a.historyRowsPerCustomer * a.historyRowBytes) *
    a.cassandraReplication;
  const redisBytes = a.customers * a.cachedCustomerShare * a.profilesPerCustomer * a.renderBytes;
  // Domain events in, DashboardUpdated out; replicated three times, as production's topics are.
  const kafkaBytes = (events + rebuilds) * a.eventBytes * a.kafkaRetentionDays * 3;

  // Two of each at least: one process may be restarting at any time.
  const sized = (load: number, perProcess: number) => Math.max(2, Math.ceil(load / (perProcess * a.targetUtilisation)));
  const workers = sized(rebuildsPerSecond, rebuildsPerSecondPerWorker);
  const apis = Math.max(
    sized(readsPerSecond, hitsPerSecondPerApi),
    Math.ceil(liveStreams / (a.streamsPerApiProcess * a.targetUtilisation)),
  );
  const kafkaPartitions = Math.max(
    12,
    2 ** Math.ceil(Math.log2(salaryEventsPerSecond / a.eventsPerPartitionPerSecond)),
  );
  // A bridge only decodes and starts batches; one per few partitions keeps up (bench: far above the
  // rebuild rate), and more than the partitions would sit idle.
  const bridges = Math.min(kafkaPartitions, Math.max(2, Math.ceil(workers / 4)));

  return {
    measured: {
      rebuildsPerSecondPerWorker,
      hitsPerSecondPerApi,
      historyEventsPerRebuild: m.throughput.history.eventsPerRebuild,
      batchesPerRebuild,
      streamKiB,
      workerRssMiB: m.rssPeakMiB['worker'] ?? 0,
      benchCores: m.machine.cores,
    },
    day: {
      opens,
      events,
      preferenceChanges,
      rebuilds,
      temporalActions: actions,
      cassandraWrites:
        rebuilds * CASSANDRA_WRITES_PER_BUILD + preferenceChanges * CASSANDRA_WRITES_PER_PREFERENCE_CHANGE,
    },
    peak: {
      readsPerSecond,
      missesPerSecond,
      ordinaryEventsPerSecond,
      salaryEventsPerSecond,
      rebuildsPerSecond,
      temporalActionsPerSecond,
      cassandraWritesPerSecond,
      liveStreams,
    },
    month: { temporalActions: actions * 30 },
    storage: { cassandraGiB: cassandraBytes / GIB, redisGiB: redisBytes / GIB, kafkaGiB: kafkaBytes / GIB },
    processes: { workers, bridges, apis, kafkaPartitions },
  };
}
