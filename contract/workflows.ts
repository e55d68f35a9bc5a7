import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CanonicalDashboard, DASHBOARD_TRIGGERS, Preferences, PreferencesInput } from '../dashboard/index.js';

/**
 * Names, ids, messages and types shared by the workflows, the activities and every Temporal client
 * (API, bridge, ops). Defined once so a signal or an error type can never be spelled two ways.
 */

export type Trigger = (typeof DASHBOARD_TRIGGERS)[number];

/**
 * Task queue priority (1 first, 3 when unset) of the work a trigger starts: what a person waits for
 * (a miss, the rebuild after their preference change, the change itself) goes ahead of event-driven
 * builds and their retries, which after an outage are hundreds at once on the same queue, and an
 * operator's bulk run goes last. A user's rebuild workflow keeps the priority of whoever started it.
 */
export const PREFERENCE_CHANGE_PRIORITY = 1;
export function priorityOf(trigger: Trigger): number {
  switch (trigger) {
    case 'miss':
    case 'preferences':
      return 1;
    case 'event':
      return 3;
    case 'admin':
    case 'replay':
      return 4;
  }
}

export const rebuildWorkflowId = (userId: string) => `dashboard-rebuild:${userId}`;
/**
 * The user id is escaped so the id can be read back (userOfWorkflowId): ids and request keys may both
 * hold ':'. A user id without one, as all are in practice, is the same escaped or not.
 */
export const preferencesWorkflowId = (userId: string, requestKey: string) =>
  `preferences:${encodeURIComponent(userId)}:${requestKey}`;
export const eraseWorkflowId = (userId: string) => `erase:${userId}`;
/**
 * The user whose personal data a workflow's payloads hold: a user's rebuilds and preference changes.
 * Batches and operator runs carry ids and counts only; an erasure's receipt must outlive the key.
 */
export function userOfWorkflowId(workflowId: string): string | undefined {
  const [kind, ...rest] = workflowId.split(':');
  if (kind === 'dashboard-rebuild' && rest.length > 0) return rest.join(':');
  if (kind === 'preferences' && rest.length > 1 && rest[0]) return decodeURIComponent(rest[0]);
  return undefined;
}
/** One batch of event-driven builds; `key` says where it came from (e.g. the bridge's group and a sequence). */
export const rebuildBatchWorkflowId = (key: string) => `rebuild-batch:${key}`;

/**
 * Search attributes every workflow carries, so the Temporal UI can answer "what happened to user X".
 * UserId is a keyword list: a batch lists every user it built, and `UserId = "u-42"` matches any
 * workflow whose list holds u-42.
 */
export const UserIdAttribute = defineSearchAttributeKey('UserId', SearchAttributeType.KEYWORD_LIST);
export const TriggerAttribute = defineSearchAttributeKey('Trigger', SearchAttributeType.KEYWORD);

// ---- rebuildDashboard

export interface RebuildRequest {
  readonly trigger: Trigger;
}

export interface RebuildDashboardInput {
  readonly userId: string;
  /** Requests carried over by continue-as-new. */
  readonly pending?: RebuildRequest[];
  /** Version of the last build, so versions keep increasing across runs. */
  readonly lastVersion?: number;
  /** Carried over by continue-as-new while builds are tried again (see workflows/settle.ts). */
  readonly settling?: Settling;
}

/** Since when (workflow time, ms) a user's builds fall short, and how often they were tried again. */
export interface Settling {
  readonly since: number;
  readonly retries: number;
}

export interface RebuildStatus {
  readonly buildsStarted: number;
  readonly buildsCompleted: number;
  readonly pending: number;
  readonly lastVersion: number;
}

/** Fire-and-forget trigger (bridge, preference changes, operators): folds into the next build. */
export const requestRebuildSignal = defineSignal<[RebuildRequest]>('requestRebuild');
/** Synchronous entry (API cache miss): returns the dashboard of a build that started after the call. */
export const rebuildNowUpdate = defineUpdate<CanonicalDashboard, [RebuildRequest]>('rebuildNow');
export const rebuildStatusQuery = defineQuery<RebuildStatus>('status');

/**
 * What a rebuildDashboard or rebuildBatch run is still finishing (since 'settle-builds'): the users whose
 * last build fell short and what it left, tried again with backoff until it settles. `build` means the
 * build itself failed for a reason that passes (Cassandra away, say). Empty `users` when nothing is left.
 */
export interface SettlingStatus {
  /** Workflow time (epoch ms) of the first build that fell short, and the retries since. */
  readonly since?: number;
  readonly retries: number;
  readonly users: readonly { readonly userId: string; readonly what: readonly (Unsettled | 'build')[] }[];
}
export const settlingQuery = defineQuery<SettlingStatus>('settling');

// ---- builds (one local activity each) and rebuildBatch

/** One user's build: `afterVersion` is the last version this caller saw; the new one is above it. */
export interface BuildRequest {
  readonly userId: string;
  readonly trigger: Trigger;
  /**
   * When the oldest domain event this build answers was written (event-driven builds only): how far
   * behind its data the dashboard was when it was announced, for the worker's metrics.
   */
  readonly since?: string;
  /**
   * W3C trace context of the change behind an event-driven build (the bridge's span for it), so the
   * build's spans join the trace of the domain write however many users its batch holds.
   */
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly afterVersion?: number;
  /**
   * Set when this build only finishes what the build of that version left unsettled: if a newer view
   * is stored meanwhile, its own build owns the rest and this one does nothing. Under an event storm
   * (domain services slow, many sources answered from snapshots) this keeps retries from multiplying
   * the load that caused them.
   */
  readonly retryOf?: number;
}

/**
 * What a build stored but could not finish: a source answered with its last-known snapshot only, or
 * the cache refresh or the announcement found Redis or Kafka away. The view write is the build's
 * commit point; a later build finishes the rest, so an engine being away delays work, never loses it.
 */
export type Unsettled = 'sources' | 'cache' | 'announcement';

/** One user's build: the view it stored (or found newer), and what is left for a later build. */
export interface BuildOutcome {
  readonly view: CanonicalDashboard;
  readonly unsettled: readonly Unsettled[];
}

export interface BatchBuildResult {
  /** Users whose new view was stored and announced. */
  readonly built: number;
  /** Users whose view stayed (no source answered, or a newer view was stored meanwhile). */
  readonly unchanged: number;
  readonly failures: { readonly userId: string; readonly reason: string }[];
  /** Users built, but not all the way (absent from results recorded before 'settle-builds'). */
  readonly unsettled?: { readonly userId: string; readonly what: readonly Unsettled[]; readonly version?: number }[];
}

/** The distinct users of one or more bridge batches, built together by one workflow. */
export interface RebuildBatchInput {
  readonly users: Pick<BuildRequest, 'userId' | 'trigger' | 'since' | 'retryOf' | 'traceparent' | 'tracestate'>[];
  /** Carried over by continue-as-new while unsettled users are built again. */
  readonly settling?: Settling;
}

export interface RebuildBatchResult extends BatchBuildResult {
  /** Failed users handed to their own rebuildDashboard workflow, which retries and, failing, shows in `ops failed`. */
  readonly handedOver: number;
}

/** Users per rebuildBatch workflow at most. */
export const MAX_USERS_PER_BATCH = 100;
/**
 * The UserId list of one rebuildBatch, as JSON, at most: the server refuses a larger search attribute
 * value with INVALID_ARGUMENT (limit.searchAttributesSizeOfValue, 2 KiB by default), which no retry
 * cures. 100 ids of 20 characters are already too many, so batches are cut by size as well as count.
 */
export const MAX_USER_ID_ATTRIBUTE_BYTES = 2_000;

/** Cuts users into rebuildBatch inputs within both limits above, in order. */
export function batchesOf<T extends { readonly userId: string }>(users: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 2; // the list's brackets
  for (const user of users) {
    // The id as a JSON string and its separating comma.
    const size = JSON.stringify(user.userId).length + 1;
    if (current.length > 0 && (current.length >= MAX_USERS_PER_BATCH || bytes + size > MAX_USER_ID_ATTRIBUTE_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 2;
    }
    current.push(user);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

// ---- changePreferences

export type PreferenceChange =
  | { readonly kind: 'replace'; readonly document: PreferencesInput }
  | { readonly kind: 'patch'; readonly patch: unknown }
  | { readonly kind: 'restore'; readonly version: number };

export interface ChangePreferencesInput {
  readonly userId: string;
  readonly requestKey: string;
  /** The version the caller saw (If-Match): the change applies only on top of exactly that version. */
  readonly expectedVersion: number;
  readonly change: PreferenceChange;
  /**
   * The request's fingerprint (the client hashes expectedVersion and change): a later request with the
   * same key is answered only if it has the same one. Absent in runs started before it existed.
   */
  readonly request?: string;
}

export interface ChangePreferencesResult {
  readonly version: number;
  readonly changed: boolean;
  readonly preferences: Preferences;
}

/**
 * What the one step up to a change's commit point decided: applied (stored, its history written, its
 * rebuild requested), or refused and why. A refusal is data, so the workflow fails the change itself.
 */
export type PreferenceCommit =
  | { readonly applied: ChangePreferencesResult }
  | {
      readonly refused:
        | { readonly reason: 'version-conflict'; readonly currentVersion: number }
        | { readonly reason: 'invalid'; readonly issues: unknown[] }
        | { readonly reason: 'version-not-found'; readonly version: number };
    };

/**
 * Answers once the change is stored and its rebuild requested (or refused): the caller waits for the
 * change's commit point, not for the PreferencesChanged event, which waits out Kafka being away. Its
 * argument is the asking request's fingerprint (ChangePreferencesInput.request).
 */
export const preferencesAppliedUpdate = defineUpdate<ChangePreferencesResult, [request?: string]>('applied');

// ---- rebuildMany

export interface RebuildManyInput {
  /** Users to rebuild; absent = every user with a dashboard view, paged from Cassandra. */
  readonly userIds?: string[];
  readonly ratePerSecond: number;
  readonly trigger: Extract<Trigger, 'admin' | 'replay'>;
  /** Carried by continue-as-new. */
  readonly state?: RebuildManyState;
}

export interface RebuildManyState {
  readonly nextIndex: number;
  readonly cursor?: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly failures: { userId: string; reason: string }[];
}

export interface RebuildManyProgress extends RebuildManyState {
  /** Known up front for a list; for "every user" only when done. */
  readonly total?: number;
  readonly done: boolean;
}

export const rebuildManyProgressQuery = defineQuery<RebuildManyProgress>('progress');

// ---- eraseUser

/** What an erasure deleted, per store: the receipt an operator hands on. */
export interface ErasureReceipt {
  readonly userId: string;
  readonly erasedAt: string;
  /** A rebuild running at the time was stopped first, so it could not write the data back. */
  readonly rebuildStopped: boolean;
  readonly deleted: {
    readonly preferences: number;
    readonly preferenceHistory: number;
    readonly dashboardViews: number;
    readonly domainSnapshots: number;
    readonly cacheEntries: number;
    /** The user's key (since 'shred-user-key'): what histories and topics keep sealed with it is unreadable. */
    readonly encryptionKeys?: number;
    readonly analyticsEvents?: number;
  };
}

/**
 * How long a process uses a user's key it read before it reads it again (adapters/cassandra/user-key-store.ts),
 * and what erasures started before USER_KEY_STALE_IF_ERROR_MS existed waited out.
 */
export const USER_KEY_CACHE_TTL_MS = 10_000;

// ---- error types: the class names activities throw, listed as non-retryable where a retry cannot help

export const ErrorType = {
  /** A domain service answered 4xx: our request is wrong; retrying gives the same answer. */
  DomainRequestRejected: 'DomainRequestRejectedError',
  /** The breaker is open: fall back to the snapshot now instead of waiting on a dead service. */
  CircuitOpen: 'CircuitOpenError',
  /** A domain service's answer does not match the contract. */
  DomainResponseInvalid: 'DomainResponseInvalidError',
  PreferencesVersionConflict: 'PreferencesVersionConflictError',
  PreferencesValidation: 'PreferencesValidationError',
  PreferencesVersionNotFound: 'PreferencesVersionNotFoundError',
  /** The request key of a running change was sent with a different request: refused before it is accepted. */
  IdempotencyKeyReused: 'IdempotencyKeyReusedError',
  /** No source answered and no view exists: there is nothing to show. */
  DashboardUnavailable: 'DashboardUnavailableError',
  /** A user's last build failed after its retries: `ops failed` lists it, `ops replay-failed` rebuilds it. */
  RebuildFailed: 'RebuildFailedError',
} as const;
