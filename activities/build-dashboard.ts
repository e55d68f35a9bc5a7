import { setTimeout as sleep } from 'node:timers/promises';
import { context } from '@opentelemetry/api';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { z } from 'zod';
import {
  Account,
  Partner,
  SUPPORTED_SCHEMA_VERSION,
  Widget,
  composeDashboard,
  mergeWidgetSources,
  type CanonicalDashboard,
  type EventEnvelope,
  type SourceResult,
} from '../dashboard/index.js';
import type { PreferenceStore } from '../adapters/cassandra/preference-store.js';
import type { SnapshotStore } from '../adapters/cassandra/snapshot-store.js';
import type { ViewStore } from '../adapters/cassandra/view-store.js';
import { DomainServiceError, type DomainClient } from '../adapters/domain/domain-client.js';
import type { EventProducer } from '../adapters/kafka/event-producer.js';
import type { DashboardCache } from '../adapters/redis/dashboard-cache.js';
import type { LiveUpdatePublisher } from '../adapters/redis/live-updates.js';
import { topics } from '../config/topics.js';
import type { BatchBuildResult, BuildOutcome, BuildRequest, Unsettled } from '../contract/workflows.js';
import { contextOf, inSpan, linkTo, traceCarrier } from '../adapters/telemetry/trace-context.js';
import { DashboardUnavailableError } from './errors.js';

/** The four sources of a dashboard: which service answers them, at which path, with which items. */
export const SOURCES = {
  accounts: { service: 'accounts', path: 'accounts', item: Account },
  partners: { service: 'partners', path: 'partners', item: Partner },
  offers: { service: 'offers', path: 'offers', item: Widget },
  insights: { service: 'transactions', path: 'insights', item: Widget },
} as const satisfies Record<string, { service: DomainServiceName; path: string; item: z.ZodType }>;
export type SourceName = keyof typeof SOURCES;
export type SourceItem<S extends SourceName> = z.infer<(typeof SOURCES)[S]['item']>;
type DomainServiceName = 'accounts' | 'partners' | 'transactions' | 'offers';

// TypeScript cannot narrow a union of schemas by a generic key; the table above guarantees the pairing.
const itemSchema = <S extends SourceName>(source: S) => SOURCES[source].item as unknown as z.ZodType<SourceItem<S>>;

/** The last-known snapshot of a source that failed, marked stale with the reason; `missing` when there is none. */
export async function loadSnapshot<S extends SourceName>(
  snapshots: Pick<SnapshotStore, 'load'>,
  userId: string,
  source: S,
  reason: string,
): Promise<SourceResult<SourceItem<S>>> {
  const snapshot = await snapshots.load(userId, source);
  if (!snapshot) return { status: 'missing', reason };
  const items = itemSchema(source).array().safeParse(snapshot.items);
  // A snapshot written by an older release that no longer parses is as good as none.
  if (!items.success) return { status: 'missing', reason: `${reason}; snapshot unreadable` };
  return { status: 'stale', asOf: snapshot.asOf, items: items.data, reason };
}

/** What a build reports as it goes, for the worker's metrics. */
export interface BuildObserver {
  /**
   * A build ended: `interactive` (someone waits) or `batch` (event-driven); `unchanged` when a newer view won or
   * nothing answered.
   */
  built(path: 'interactive' | 'batch', outcome: 'built' | 'unchanged' | 'failed', seconds: number): void;
  /** A source a build showed from its last snapshot (`stale`) or could not show (`missing`). */
  sourceDegraded(source: SourceName, status: 'stale' | 'missing'): void;
  /** An event-driven update was announced this long after the oldest domain event it answers. */
  updateAnnounced(lagSeconds: number): void;
}

const unobserved: BuildObserver = { built() {}, sourceDegraded() {}, updateAnnounced() {} };

export interface BuilderDeps {
  readonly domain: Record<DomainServiceName, DomainClient>;
  readonly preferences: Pick<PreferenceStore, 'load'>;
  readonly views: Pick<ViewStore, 'load' | 'write'>;
  readonly snapshots: Pick<SnapshotStore, 'load'>;
  readonly cache: Pick<DashboardCache, 'refresh'>;
  readonly events: Pick<EventProducer, 'publishMany'>;
  readonly live: LiveUpdatePublisher;
  readonly observer?: BuildObserver;
}

export interface BuildOptions {
  /** Users built at once by buildMany: bounds the sockets and memory one batch takes. */
  readonly concurrency?: number;
}

/**
 * Most an interactive build waits for its announcement (live channel and Kafka, sent together) before it
 * answers: both take a few milliseconds when their engine is up, and their own timeouts (seconds) are
 * longer than a waiting cache miss may take in all.
 */
const ANNOUNCE_WAIT_MS = 1_000;

/** Most a batch build waits for interactive builds to finish before it goes ahead anyway. */
const YIELD_AT_MOST_MS = 2_000;

export interface DashboardBuilder {
  /**
   * One user's dashboard from the current truth: stored, cached, announced. Throws when there is nothing
   * to show or the view cannot be stored; reports what it stored but could not finish. Interactive:
   * batch builds in this process yield to it.
   */
  build(request: BuildRequest): Promise<BuildOutcome>;
  /** Many users at once; one user's failure is reported, never thrown, so it cannot hold up the others. */
  buildMany(requests: readonly BuildRequest[]): Promise<BatchBuildResult>;
}

/**
 * A dashboard build as one unit of in-process work: fetch the four sources in parallel (bounded
 * retries, then the last-known snapshot), load preferences, compose, write the view, refresh the cache
 * and announce DashboardUpdated. Workflows run it as one local activity, so Temporal records one
 * marker per build (or per batch of builds) instead of a dozen events, and the benchmark runs the
 * very same code without Temporal as the floor.
 */
export function createDashboardBuilder(deps: BuilderDeps, options: BuildOptions = {}): DashboardBuilder {
  const concurrency = options.concurrency ?? 16;
  const observer = deps.observer ?? unobserved;
  // Interactive builds (a waiting cache miss, a preference change) in progress in this process. Batch
  // builds start no new user while there are any, so the domain services' queues drain for the build
  // a person waits for; a bounded wait, so a stream of misses cannot starve the batches.
  let interactive = 0;
  let resumeBatches: (() => void)[] = [];
  const yieldToInteractive = async () => {
    if (interactive === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      resumeBatches.push(resolve);
      timer = setTimeout(resolve, YIELD_AT_MOST_MS);
    });
    clearTimeout(timer);
  };
  // Three tries, as the step-by-step build's activity retries had. Only an unreachable or failing
  // service is worth another try; a 4xx, a bad answer or an open breaker is not.
  const domainRetry = retry(
    handleWhen((error) => error instanceof DomainServiceError && error.kind === 'unavailable'),
    { maxAttempts: 2, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 1_000 }) },
  );

  async function fetchSource<S extends SourceName>(userId: string, source: S): Promise<SourceResult<SourceItem<S>>> {
    const spec = SOURCES[source];
    try {
      const result = await domainRetry.execute(() =>
        deps.domain[spec.service].getItems(userId, spec.path, itemSchema(source)),
      );
      return { status: 'fresh', asOf: result.asOf, items: result.items };
    } catch (error) {
      if (!(error instanceof DomainServiceError)) throw error;
      // The adapter's message names the service already.
      return loadSnapshot(deps.snapshots, userId, source, error.message.slice(0, 200));
    }
  }

  interface Stored extends BuildOutcome {
    /** False when no source answered (the last view stays) or a newer view won. */
    readonly announce: boolean;
  }

  /** Builds and stores one view, then refreshes the cache; a cache that is away leaves it unsettled. */
  async function buildAndStore({ userId, afterVersion = 0, retryOf }: BuildRequest): Promise<Stored> {
    if (retryOf !== undefined) {
      const current = await deps.views.load(userId);
      if (current && current.version > retryOf) return { view: current, announce: false, unsettled: [] };
    }
    // A build is as new as its oldest read, so its version is taken before it reads anything: a slow
    // build that read before a change must lose to one that started after it, whichever writes last.
    const startedAt = Date.now();
    const [accounts, partners, offers, insights, preferences] = await Promise.all([
      fetchSource(userId, 'accounts'),
      fetchSource(userId, 'partners'),
      fetchSource(userId, 'offers'),
      fetchSource(userId, 'insights'),
      deps.preferences.load(userId),
    ]);
    const bySource = [
      ['accounts', accounts],
      ['partners', partners],
      ['offers', offers],
      ['insights', insights],
    ] as const;
    const all = bySource.map(([, result]) => result);
    for (const [source, result] of bySource) {
      if (result.status !== 'fresh') observer.sourceDegraded(source, result.status);
    }
    const unsettled: Unsettled[] = all.every((s) => s.status === 'fresh') ? [] : ['sources'];
    if (all.every((s) => s.status === 'missing')) {
      // Nothing is known at all: the last view stays as it is.
      const last = await deps.views.load(userId);
      if (last) return { view: last, announce: false, unsettled };
      throw new DashboardUnavailableError(
        `no source answered for ${userId} and no view exists: ${all.map((s) => (s.status === 'missing' ? s.reason : '')).join('; ')}`,
      );
    }
    // Composed also when only snapshots answered (marked stale): a preference change never needs the services.
    // The version orders builds across processes and restarts: the clock, and always past the caller's last one.
    const version = Math.max(startedAt, afterVersion + 1);
    const view = composeDashboard(
      { accounts, partners, widgets: mergeWidgetSources(offers, insights) },
      preferences,
      new Date(startedAt).toISOString(),
      { version },
    );
    // The sources that answered are saved with the view: the snapshots a later build falls back on.
    const snapshots = bySource.flatMap(([source, result]) =>
      result.status === 'fresh' ? [{ source, asOf: result.asOf, items: result.items }] : [],
    );
    const written = await deps.views.write(view, snapshots);
    if (!written.written) {
      // A newer build is stored already (e.g. a slower build that started earlier lost): it wins, and settles itself.
      return { view: (await deps.views.load(userId)) ?? view, announce: false, unsettled: [] };
    }
    try {
      await deps.cache.refresh(view);
    } catch {
      unsettled.push('cache');
    }
    return { view, announce: true, unsettled };
  }

  /** The fast channel: open apps hear of the update without waiting for Kafka. False when Redis is away. */
  async function publishLive(event: EventEnvelope): Promise<boolean> {
    return deps.live.publish(event.subject, JSON.stringify(event)).then(
      () => true,
      () => false,
    );
  }

  /** DashboardUpdated for other consumers, many in one request. False when Kafka is away. */
  async function publishEvents(events: EventEnvelope[]): Promise<boolean> {
    return deps.events.publishMany(topics.dashboardUpdated, events).then(
      () => true,
      () => false,
    );
  }

  const announcement = (
    view: CanonicalDashboard,
    { trigger, since }: Pick<BuildRequest, 'trigger' | 'since'>,
  ): EventEnvelope => ({
    // One id per build: a consumer that deduplicates by id sees a re-published build once.
    id: `dashboard-updated:${view.userId}:${view.version}`,
    type: 'DashboardUpdated',
    source: 'dashboard-platform',
    subject: view.userId,
    time: new Date().toISOString(),
    schemaVersion: SUPPORTED_SCHEMA_VERSION,
    data: {
      userId: view.userId,
      version: view.version,
      builtAt: view.builtAt,
      trigger,
      // The write-to-dashboard lag, for insights: known when the trigger says when its write happened.
      ...(since === undefined ? {} : { lagMs: Math.max(0, Math.round(Date.now() - Date.parse(since))) }),
    },
    // The build's trace, so the apps' push continues it.
    ...traceCarrier(),
  });

  return {
    async build(request) {
      interactive++;
      const started = performance.now();
      let stored: Stored;
      try {
        stored = await inSpan('build dashboard', { attributes: { 'user.id': request.userId } }, () =>
          buildAndStore(request),
        );
        observer.built('interactive', stored.announce ? 'built' : 'unchanged', (performance.now() - started) / 1000);
      } catch (error) {
        observer.built('interactive', 'failed', (performance.now() - started) / 1000);
        throw error;
      } finally {
        if (--interactive === 0) {
          for (const resume of resumeBatches) resume();
          resumeBatches = [];
        }
      }
      const { view, unsettled } = stored;
      if (!stored.announce) return { view, unsettled };
      // The view is stored, which is the commit point: the person waiting gets it even while Redis or
      // Kafka is away. An announcement still on its way after a moment is left to settle later (it may
      // still arrive: a repeated DashboardUpdated costs a consumer nothing, it carries one id per build).
      const event = announcement(view, request);
      const announced = await Promise.race([
        Promise.all([publishLive(event), publishEvents([event])]).then(([live, published]) => live && published),
        sleep(ANNOUNCE_WAIT_MS, false),
      ]);
      return { view, unsettled: announced ? unsettled : [...unsettled, 'announcement'] };
    },

    async buildMany(requests) {
      const announced: { event: EventEnvelope; view: CanonicalDashboard }[] = [];
      const failures: { userId: string; reason: string }[] = [];
      const unsettled = new Map<string, { what: Set<Unsettled>; version: number }>();
      const mark = (view: CanonicalDashboard, what: readonly Unsettled[]) => {
        const marks = unsettled.get(view.userId) ?? { what: new Set(), version: view.version };
        for (const w of what) marks.what.add(w);
        if (marks.what.size > 0) unsettled.set(view.userId, marks);
      };
      let unchanged = 0;
      const queue = [...requests];
      const lane = async () => {
        for (let request = queue.shift(); request; request = queue.shift()) {
          await yieldToInteractive();
          const started = performance.now();
          try {
            // A user's build continues the trace of the change behind it, linked to the batch's activity.
            const traced =
              request.traceparent === undefined ? {} : { parent: contextOf(request), links: linkTo(context.active()) };
            const stored = await inSpan(
              'build dashboard',
              { ...traced, attributes: { 'user.id': request.userId } },
              async () => {
                const stored = await buildAndStore(request);
                if (!stored.announce) return stored;
                const event = announcement(stored.view, request);
                announced.push({ event, view: stored.view });
                if (!(await publishLive(event))) mark(stored.view, ['announcement']);
                else if (request.since !== undefined)
                  observer.updateAnnounced((Date.now() - Date.parse(request.since)) / 1000);
                return stored;
              },
            );
            observer.built('batch', stored.announce ? 'built' : 'unchanged', (performance.now() - started) / 1000);
            mark(stored.view, stored.unsettled);
            if (!stored.announce) unchanged++;
          } catch (error) {
            observer.built('batch', 'failed', (performance.now() - started) / 1000);
            failures.push({
              userId: request.userId,
              reason: (error instanceof Error ? error.message : String(error)).slice(0, 500),
            });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, lane));
      // One Kafka request for the whole batch instead of one acknowledged round trip per user.
      if (announced.length > 0 && !(await publishEvents(announced.map((a) => a.event)))) {
        for (const { view } of announced) mark(view, ['announcement']);
      }
      return {
        built: announced.length,
        unchanged,
        failures,
        unsettled: [...unsettled].map(([userId, { what, version }]) => ({ userId, what: [...what], version })),
      };
    },
  };
}
