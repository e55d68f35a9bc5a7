import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { canonicalJson } from '../../dashboard/canonical-json.js';
import type { TaskQueues } from '../../config/index.js';
import type { CanonicalDashboard } from '../../dashboard/index.js';
// Types only: starts name the workflow type, and these make their arguments and results checked.
import type { changePreferences } from '../../workflows/change-preferences.js';
import type { eraseUser } from '../../workflows/erase-user.js';
import type { rebuildBatch } from '../../workflows/rebuild-batch.js';
import type { rebuildDashboard } from '../../workflows/rebuild-dashboard.js';
import type { rebuildMany } from '../../workflows/rebuild-many.js';
import {
  ErrorType,
  batchesOf,
  TriggerAttribute,
  UserIdAttribute,
  preferencesWorkflowId,
  rebuildNowUpdate,
  rebuildBatchWorkflowId,
  rebuildWorkflowId,
  priorityOf,
  PREFERENCE_CHANGE_PRIORITY,
  requestRebuildSignal,
  eraseWorkflowId,
  preferencesAppliedUpdate,
  type ChangePreferencesInput,
  type RebuildBatchInput,
  type ErasureReceipt,
  type ChangePreferencesResult,
  type RebuildManyInput,
  type RebuildRequest,
  type Trigger,
} from '../../contract/workflows.js';

/**
 * How the rest of the platform asks Temporal for dashboard work. One workflow id per user
 * (`dashboard-rebuild:{userId}`) with conflict policy USE_EXISTING means two rebuilds of one user never
 * run at once: a trigger for a user whose rebuild is running joins that workflow instead of starting a
 * second one.
 * - Triggers (bridge, preference changes, operators) use signal-with-start: one round trip, no waiting,
 *   and every signal that arrives during a build folds into at most one follow-up build.
 * - The API's cache miss uses update-with-start: it needs the dashboard back, and an update is answered
 *   by the workflow itself, so 50 callers for one user share one build and one workflow.
 * Conflict policy TERMINATE_EXISTING would lose the running build; FAIL would make callers retry.
 * - Event-driven rebuilds of many users start one rebuildBatch workflow per group of distinct users,
 *   on the batch task queue; everything a person waits for runs on the interactive one.
 */
export interface DashboardWorkflows {
  requestRebuild(userId: string, trigger: Trigger): Promise<void>;
  rebuildNow(userId: string, trigger: Trigger, timeoutMs: number): Promise<CanonicalDashboard>;
  /**
   * Starts rebuildBatch workflows covering the users (cut by batchesOf), ids
   * `rebuild-batch:{key}` and `rebuild-batch:{key}.{n}`; resolves once Temporal accepted all of them,
   * with a way to wait until they finished.
   */
  startRebuildBatch(key: string, users: RebuildBatchInput['users']): Promise<{ finished(): Promise<void> }>;
  /**
   * Runs changePreferences once per request key: a repeated key returns the first run's result. `signal` says the
   * caller went away: waiting on for them is then stopped (the change itself goes on).
   */
  changePreferences(
    input: ChangePreferencesInput,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<ChangePreferencesResult>;
  startRebuildMany(workflowId: string, input: RebuildManyInput): Promise<void>;
  /** Terminates the user's running rebuild, if any; true when one was running. */
  stopRebuild(userId: string, reason: string): Promise<boolean>;
  /**
   * Runs the erasure of one user's data and returns its receipt, which waits until no process can still use a copy
   * of their key (`keyCopiesLastMs`, see adapters/cassandra/user-key-store.ts); `timeoutMs` is the deadline beyond it.
   */
  eraseUser(userId: string, options: { keyCopiesLastMs: number; timeoutMs: number }): Promise<ErasureReceipt>;
}

const memo = (userId: string, what: string) => ({ summary: `${what} of user ${userId}` });

/** Tries of one synchronous rebuild whose update the server turned away before the workflow saw it. */
const UPDATE_ATTEMPTS = 5;
const UPDATE_RETRY_DELAY_MS = 100;

/**
 * An update the workflow never ran: rejected unprocessed (it reached a run as that run completed) or
 * aborted with the run. Our own failures carry one of our error types; anything else is safe to send
 * again, because the workflow did not act on it.
 */
function updateNotRun(error: unknown): boolean {
  if (!(error instanceof WorkflowUpdateFailedError)) return false;
  const cause = error.cause;
  return !(cause instanceof ApplicationFailure && (Object.values(ErrorType) as string[]).includes(cause.type ?? ''));
}

/** gRPC's FAILED_PRECONDITION (the client's gRPC library is not a dependency of ours). */
const FAILED_PRECONDITION = 9;

/**
 * An update the server dropped with the workflow task it was delivered in. A rebuild run that finds
 * nothing pending after a build completes in the task that ran the build; when triggers arrived
 * meanwhile the server refuses that completion ("unhandled command"), the run goes on with them in a
 * new task, and an update delivered with the refused task was never run.
 */
function updateTaskFailed(error: unknown): boolean {
  return (
    isGrpcServiceError(error) &&
    error.code === FAILED_PRECONDITION &&
    /unexpected workflow task failure/.test(error.details)
  );
}

const conflictDetail = z.object({ currentVersion: z.number().int() });
const validationDetail = z.array(z.object({ code: z.string(), path: z.string(), message: z.string() }));

/** Why the changePreferences workflow refused a change, with what the caller needs to act on it. */
export type PreferenceRefusal =
  | { readonly reason: 'version-conflict'; readonly currentVersion?: number }
  | { readonly reason: 'invalid'; readonly issues: z.infer<typeof validationDetail> }
  | { readonly reason: 'version-not-found' };

export class PreferenceChangeRefusedError extends Error {
  override readonly name = 'PreferenceChangeRefusedError';
  constructor(readonly refusal: PreferenceRefusal) {
    super(`preference change refused: ${refusal.reason}`);
  }
}

/**
 * The workflow's refusal (an ApplicationFailure of a known type, with details) as the port's error; anything else as
 * it is.
 */
function asRefusal(error: unknown): unknown {
  if (!(
    (error instanceof WorkflowFailedError || error instanceof WorkflowUpdateFailedError) &&
    error.cause instanceof ApplicationFailure
  ))
    return error;
  const { type, details } = error.cause;
  switch (type) {
    case ErrorType.PreferencesVersionConflict: {
      const detail = conflictDetail.safeParse(details?.[0]);
      return new PreferenceChangeRefusedError({
        reason: 'version-conflict',
        ...(detail.success ? { currentVersion: detail.data.currentVersion } : {}),
      });
    }
    case ErrorType.PreferencesValidation:
      return new PreferenceChangeRefusedError({
        reason: 'invalid',
        issues: validationDetail.safeParse(details?.[0]).data ?? [],
      });
    case ErrorType.PreferencesVersionNotFound:
      return new PreferenceChangeRefusedError({ reason: 'version-not-found' });
    default:
      return error;
  }
}

/**
 * An Idempotency-Key sent again with a different request: answering with the first request's outcome would be a lie.
 */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(readonly requestKey: string) {
    super(`request key ${requestKey} was used for a different request`);
  }
}

/** What a preference request asks for, independent of key order: the same request has the same fingerprint. */
function requestFingerprint({ expectedVersion, change }: ChangePreferencesInput): string {
  return createHash('sha256').update(canonicalJson({ expectedVersion, change })).digest('base64url');
}

export function createDashboardWorkflows(client: Client, queues: TaskQueues): DashboardWorkflows {
  const taskQueue = queues.interactive;
  const attributes = (userIds: readonly string[], trigger: Trigger) => [
    { key: UserIdAttribute, value: [...userIds] },
    { key: TriggerAttribute, value: trigger },
  ];
  // Concurrent misses of one user in this process share one update: a workflow takes at most ten
  // updates in flight, and more would be refused and retried after a second's backoff by the client.
  const missesInFlight = new Map<string, Promise<CanonicalDashboard>>();

  const updateWithStart = async (userId: string, trigger: Trigger, deadline: number): Promise<CanonicalDashboard> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.withDeadline(deadline, () =>
          client.workflow.executeUpdateWithStart(rebuildNowUpdate, {
            args: [{ trigger }],
            startWorkflowOperation: new WithStartWorkflowOperation<typeof rebuildDashboard>('rebuildDashboard', {
              ...rebuildStart(userId, trigger),
              workflowIdConflictPolicy: 'USE_EXISTING',
            }),
          }),
        );
      } catch (error) {
        if (attempt >= UPDATE_ATTEMPTS || Date.now() >= deadline || !(updateNotRun(error) || updateTaskFailed(error)))
          throw error;
        // A little later the run has taken the triggers in a task of its own, or completed.
        if (updateTaskFailed(error)) await sleep(UPDATE_RETRY_DELAY_MS * attempt);
      }
    }
  };

  const rebuildStart = (userId: string, trigger: Trigger) => {
    const args: Parameters<typeof rebuildDashboard> = [{ userId }];
    return {
      taskQueue,
      workflowId: rebuildWorkflowId(userId),
      args,
      typedSearchAttributes: attributes([userId], trigger),
      memo: memo(userId, 'Dashboard rebuilds'),
      priority: { priorityKey: priorityOf(trigger) },
    };
  };

  return {
    async requestRebuild(userId, trigger) {
      await client.workflow.signalWithStart<typeof rebuildDashboard, [RebuildRequest]>('rebuildDashboard', {
        ...rebuildStart(userId, trigger),
        signal: requestRebuildSignal,
        signalArgs: [{ trigger }],
      });
    },

    async rebuildNow(userId, trigger, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      // Operators' rebuilds must start after their request, so only misses share one in flight.
      if (trigger !== 'miss') return updateWithStart(userId, trigger, deadline);
      const running = missesInFlight.get(userId);
      if (running) return running;
      const call = updateWithStart(userId, trigger, deadline).finally(() => missesInFlight.delete(userId));
      missesInFlight.set(userId, call);
      return call;
    },

    async startRebuildBatch(key, users) {
      const chunks = batchesOf(users);
      const handles = await Promise.all(
        chunks.map((chunk, i) =>
          client.workflow.start<typeof rebuildBatch>('rebuildBatch', {
            taskQueue: queues.batch,
            workflowId: rebuildBatchWorkflowId(i === 0 ? key : `${key}.${i}`),
            args: [
              {
                users: chunk.map(({ userId, trigger, since, traceparent, tracestate }) => ({
                  userId,
                  trigger,
                  ...(since === undefined ? {} : { since }),
                  // Each user's build joins the trace of the change behind it.
                  ...(traceparent === undefined ? {} : { traceparent }),
                  ...(tracestate === undefined ? {} : { tracestate }),
                })),
              },
            ],
            // A retried start of the same batch finds it running (or done) instead of failing.
            workflowIdConflictPolicy: 'USE_EXISTING',
            typedSearchAttributes: attributes(
              chunk.map((u) => u.userId),
              chunk.every((u) => u.trigger === 'preferences') ? 'preferences' : 'event',
            ),
          }),
        ),
      );
      return {
        async finished() {
          await Promise.all(handles.map((handle) => handle.result()));
        },
      };
    },

    async changePreferences(input, timeoutMs, signal) {
      const workflowId = preferencesWorkflowId(input.userId, input.requestKey);
      const request = requestFingerprint(input);
      const start = new WithStartWorkflowOperation<typeof changePreferences>('changePreferences', {
        taskQueue,
        workflowId,
        args: [{ ...input, request }],
        // A request key is used once: the same key again must not apply the change again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'USE_EXISTING',
        // No execution timeout: its steps wait out an engine that is away (bounded by their own deadlines).
        typedSearchAttributes: attributes([input.userId], 'preferences'),
        memo: { ...memo(input.userId, `Preference change ${input.requestKey}`), request },
        priority: { priorityKey: PREFERENCE_CHANGE_PRIORITY },
      });
      const waitForAnswer = () =>
        client.withDeadline(Date.now() + timeoutMs, async () => {
          // Answered at the change's commit point. A running change with this key answers only the same
          // request (the workflow's validator refuses another one).
          try {
            return await client.workflow.executeUpdateWithStart(preferencesAppliedUpdate, {
              args: [request],
              // The server keeps one update per id: an app repeating its request while the change waits
              // (an engine away) joins the first one instead of adding an update and a workflow task
              // per repeat, which after an outage queued behind each other (chaos/README.md).
              updateId: request,
              startWorkflowOperation: start,
            });
          } catch (error) {
            if (
              error instanceof WorkflowUpdateFailedError &&
              error.cause instanceof ApplicationFailure &&
              error.cause.type === ErrorType.IdempotencyKeyReused
            ) {
              throw new IdempotencyKeyReusedError(input.requestKey);
            }
            if (!(error instanceof WorkflowExecutionAlreadyStartedError || updateNotRun(error))) throw asRefusal(error);
          }
          // The key's run has ended (or ended before it took the update): its result answers a repeat of
          // the same request only, which the run's memo tells.
          const handle = client.workflow.getHandle<typeof changePreferences>(workflowId);
          const first = (await handle.describe()).memo?.['request'];
          if (first !== undefined && first !== request) throw new IdempotencyKeyReusedError(input.requestKey);
          return handle.result().catch((error: unknown) => {
            throw asRefusal(error);
          });
        });
      // An app that gave up repeats its request: waiting on for the one it left would hold a call to
      // the server per repeat, and after an outage those piled up by the hundred (chaos/README.md).
      // (The SDK listens for the signal's abort event, which a signal aborted already never sends.)
      if (!signal) return waitForAnswer();
      signal.throwIfAborted();
      return client.withAbortSignal(signal, waitForAnswer);
    },

    async startRebuildMany(workflowId, input) {
      await client.workflow.start<typeof rebuildMany>('rebuildMany', {
        taskQueue: queues.batch,
        workflowId,
        args: [input],
        typedSearchAttributes: [{ key: TriggerAttribute, value: input.trigger }],
        memo: { summary: input.userIds ? `Rebuild of ${input.userIds.length} users` : 'Rebuild of every user' },
        priority: { priorityKey: priorityOf(input.trigger) },
      });
    },

    async stopRebuild(userId, reason) {
      try {
        await client.workflow.getHandle(rebuildWorkflowId(userId)).terminate(reason);
        return true;
      } catch (error) {
        // Not running (never started, or already closed): nothing to stop.
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    },

    async eraseUser(userId, { keyCopiesLastMs, timeoutMs }) {
      return client.withDeadline(Date.now() + keyCopiesLastMs + timeoutMs, () =>
        client.workflow.execute<typeof eraseUser>('eraseUser', {
          taskQueue,
          workflowId: eraseWorkflowId(userId),
          args: [userId, keyCopiesLastMs],
          // An erasure may be requested again later (new data arrived); one at a time per user.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowExecutionTimeout: keyCopiesLastMs + 5 * 60_000,
          typedSearchAttributes: attributes([userId], 'admin'),
          memo: memo(userId, 'Erasure of the personal data'),
        }),
      );
    },
  };
}
