import { Context, log } from '@temporalio/activity';
import type { z } from 'zod';
import {
  SUPPORTED_SCHEMA_VERSION,
  type CanonicalDashboard,
  type EventEnvelope,
  type EventPayload,
  type EventType,
  type Preferences,
  type SourceResult,
} from '../dashboard/index.js';
import type { PreferenceHistoryEntry, PreferenceStore } from '../adapters/cassandra/preference-store.js';
import type { SnapshotStore } from '../adapters/cassandra/snapshot-store.js';
import type { UserKeyStore } from '../adapters/cassandra/user-key-store.js';
import type { AnalyticsStore } from '../adapters/postgres/analytics-store.js';
import { sealJson } from '../adapters/crypto/user-cipher.js';
import type { ViewStore, WriteViewResult } from '../adapters/cassandra/view-store.js';
import { DomainServiceError, type DomainClient } from '../adapters/domain/domain-client.js';
import type { EventProducer } from '../adapters/kafka/event-producer.js';
import type { DashboardCache } from '../adapters/redis/dashboard-cache.js';
import { erasedNotice, type LiveUpdatePublisher } from '../adapters/redis/live-updates.js';
import type { DashboardWorkflows } from '../adapters/temporal/dashboard-workflows.js';
import { topics } from '../config/topics.js';
import type { BatchBuildResult, BuildOutcome, BuildRequest, Trigger } from '../contract/workflows.js';
import {
  SOURCES,
  createDashboardBuilder,
  loadSnapshot,
  type BuildObserver,
  type SourceItem,
  type SourceName,
} from './build-dashboard.js';
import { createPreferenceCommitter } from './commit-preference-change.js';
import { CircuitOpenError, DomainRequestRejectedError, DomainResponseInvalidError } from './errors.js';

export type { SourceItem, SourceName } from './build-dashboard.js';

// TypeScript cannot narrow a union of schemas by a generic key; SOURCES guarantees the pairing.
const itemSchema = <S extends SourceName>(source: S) => SOURCES[source].item as unknown as z.ZodType<SourceItem<S>>;

export interface ActivityDeps {
  readonly domain: Record<'accounts' | 'partners' | 'transactions' | 'offers', DomainClient>;
  readonly preferences: PreferenceStore;
  readonly views: ViewStore;
  readonly snapshots: SnapshotStore;
  /** Per-user keys: personal event bodies are sealed with them, and erasure deletes them. */
  readonly keys: UserKeyStore;
  /** The analytics store's raw events, which erasure reaches too. */
  readonly analytics: Pick<AnalyticsStore, 'eraseUser'>;
  readonly cache: DashboardCache;
  readonly events: EventProducer;
  readonly live: LiveUpdatePublisher;
  readonly workflows: DashboardWorkflows;
  /** Deadline of one synchronous rebuild requested by an operator's bulk run. */
  readonly rebuildTimeoutMs?: number;
  /** Where builds are counted and timed (the worker's metrics); none in tests that do not look. */
  readonly observer?: BuildObserver;
}

function envelope<T extends EventType>(type: T, source: string, subject: string, data: EventPayload<T>): EventEnvelope {
  const info = Context.current().info;
  const execution = info.workflowExecution;
  return {
    // Stable across retries of this activity: a consumer that deduplicates by id sees one event.
    id: `${execution?.workflowId ?? 'activity'}/${execution?.runId ?? ''}/${info.activityId}`,
    type,
    source,
    subject,
    time: new Date().toISOString(),
    schemaVersion: SUPPORTED_SCHEMA_VERSION,
    data,
  };
}

export function createActivities(deps: ActivityDeps) {
  const builder = createDashboardBuilder(deps);
  const commitPreferenceChange = createPreferenceCommitter(deps);
  return {
    /**
     * A whole build of one user in one step (see activities/build-dashboard.ts): the view, and what is left for a
     * later build.
     */
    async buildDashboardOutcome(request: BuildRequest): Promise<BuildOutcome> {
      return builder.build(request);
    },

    /** The same build as runs before 'settle-builds' call it: the view only. */
    async buildDashboard(request: BuildRequest): Promise<CanonicalDashboard> {
      return (await builder.build(request)).view;
    },

    /** Builds of many users at once; who failed and why is returned, never thrown. */
    async buildDashboards(requests: BuildRequest[]): Promise<BatchBuildResult> {
      const result = await builder.buildMany(requests);
      // Reported, not thrown, so the SDK's own failure line would not name them.
      for (const { userId, reason } of result.failures) log.warn('dashboard build failed', { userId, reason });
      return result;
    },

    /** Hands users to their own rebuildDashboard workflow (signal-with-start on the interactive queue). */
    async requestRebuilds(users: { userId: string; trigger: Trigger }[]): Promise<void> {
      await Promise.all(users.map(({ userId, trigger }) => deps.workflows.requestRebuild(userId, trigger)));
    },

    // ---- the steps of a build one by one: runs started before 'one-step-build' still schedule them.

    /** One source's current items for the user; saved as the last-known snapshot on success. */
    async fetchSource<S extends SourceName>(userId: string, source: S): Promise<SourceResult<SourceItem<S>>> {
      const spec = SOURCES[source];
      try {
        const result = await deps.domain[spec.service].getItems(userId, spec.path, itemSchema(source));
        await deps.snapshots.save(userId, source, result);
        return { status: 'fresh', asOf: result.asOf, items: result.items };
      } catch (error) {
        if (!(error instanceof DomainServiceError)) throw error;
        if (error.kind === 'rejected') throw new DomainRequestRejectedError(error.message);
        if (error.kind === 'circuit-open') throw new CircuitOpenError(error.message);
        if (error.kind === 'invalid-response') throw new DomainResponseInvalidError(error.message);
        throw error;
      }
    },

    /** The last-known snapshot of a source that failed, marked stale with the reason; `missing` when there is none. */
    async loadSnapshot<S extends SourceName>(
      userId: string,
      source: S,
      reason: string,
    ): Promise<SourceResult<SourceItem<S>>> {
      return loadSnapshot(deps.snapshots, userId, source, reason);
    },

    async loadPreferences(userId: string): Promise<Preferences> {
      return deps.preferences.load(userId);
    },

    async loadView(userId: string): Promise<CanonicalDashboard | null> {
      return (await deps.views.load(userId)) ?? null;
    },

    async writeView(view: CanonicalDashboard): Promise<WriteViewResult> {
      return deps.views.write(view);
    },

    /** Caches the new view in place of the user's older renders (each profile is rendered at its first read). */
    async refreshCache(view: CanonicalDashboard): Promise<boolean> {
      return deps.cache.refresh(view);
    },

    /** DashboardUpdated to Kafka (other consumers) and to the fast channel (the API's live streams). */
    async publishDashboardUpdated(view: CanonicalDashboard, trigger: Trigger): Promise<void> {
      const event = envelope('DashboardUpdated', 'dashboard-platform', view.userId, {
        userId: view.userId,
        version: view.version,
        builtAt: view.builtAt,
        trigger,
      });
      await deps.events.publishMany(topics.dashboardUpdated, [event]);
      await deps.live.publish(view.userId, JSON.stringify(event));
    },

    /** A rebuild that gave up, for insights (failures per trigger); beside DashboardUpdated on its topic. */
    async publishRebuildFailed(userId: string, trigger: Trigger, reason: string): Promise<void> {
      const event = envelope('DashboardRebuildFailed', 'dashboard-platform', userId, {
        userId,
        trigger,
        reason: reason.slice(0, 500),
      });
      await deps.events.publishMany(topics.dashboardUpdated, [event]);
    },

    /** A preference change up to its commit point, in one step (see activities/commit-preference-change.ts). */
    commitPreferenceChange,

    // ---- the steps of a change one by one: runs started before 'one-step-preference-change' still schedule them.

    async storePreferences(next: Preferences, expectedVersion: number, requestKey: string) {
      return deps.preferences.compareAndSet(next, expectedVersion, requestKey);
    },

    async appendPreferenceHistory(entry: PreferenceHistoryEntry): Promise<void> {
      await deps.preferences.appendHistory(entry);
    },

    async loadPreferenceVersion(userId: string, version: number): Promise<Preferences | null> {
      return (await deps.preferences.historyVersion(userId, version))?.preferences ?? null;
    },

    async publishPreferencesChanged(preferences: Preferences): Promise<void> {
      const event = envelope('PreferencesChanged', 'dashboard-platform', preferences.userId, {
        userId: preferences.userId,
        version: preferences.version,
        updatedAt: preferences.updatedAt ?? new Date().toISOString(),
        // What the user chose, for insights (which sort modes, layouts, hidden and pinned items),
        // sealed with their key: Kafka keeps it for a week, and erasure must reach it.
        sealedPreferences: sealJson(await deps.keys.keyFor(preferences.userId), preferences),
      });
      await deps.events.publishMany(topics.preferences, [event]);
    },

    async requestRebuild(userId: string, trigger: Trigger): Promise<void> {
      await deps.workflows.requestRebuild(userId, trigger);
    },

    /** Rebuilds each user synchronously, all at once, and reports who failed and why. */
    async rebuildUsers(
      userIds: string[],
      trigger: Trigger,
    ): Promise<{ succeeded: number; failures: { userId: string; reason: string }[] }> {
      const timeoutMs = deps.rebuildTimeoutMs ?? 30_000;
      const results = await Promise.allSettled(
        userIds.map((userId) => deps.workflows.rebuildNow(userId, trigger, timeoutMs)),
      );
      const failures = results.flatMap((r, i) =>
        r.status === 'rejected' ? [{ userId: userIds[i] ?? '', reason: describe(r.reason) }] : [],
      );
      return { succeeded: results.length - failures.length, failures };
    },

    async listUsersPage(limit: number, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }> {
      return deps.views.listUsers(limit, cursor);
    },

    // Erasure, one store per activity so a retry repeats only what failed; each is idempotent.
    async stopRebuild(userId: string): Promise<boolean> {
      return deps.workflows.stopRebuild(userId, 'user data erasure');
    },
    async erasePreferences(userId: string): Promise<{ preferences: number; history: number }> {
      return deps.preferences.erase(userId);
    },
    async eraseView(userId: string): Promise<number> {
      return deps.views.erase(userId);
    },
    /** Deletes the user's key: what Temporal histories and Kafka keep sealed with it can no longer be read. */
    async eraseKey(userId: string): Promise<number> {
      return deps.keys.erase(userId);
    },
    async eraseAnalytics(userId: string): Promise<number> {
      return deps.analytics.eraseUser(userId);
    },
    async eraseSnapshots(userId: string): Promise<number> {
      return deps.snapshots.erase(userId);
    },
    async eraseCache(userId: string): Promise<number> {
      const erased = await deps.cache.erase(userId);
      await deps.live.publish(userId, erasedNotice(userId));
      return erased;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
