import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CanonicalDashboard } from '../../dashboard/index.js';
import {
  TriggerAttribute,
  UserIdAttribute,
  preferencesWorkflowId,
  rebuildNowUpdate,
  rebuildWorkflowId,
  requestRebuildSignal,
  eraseWorkflowId,
  type ChangePreferencesInput,
  type ErasureReceipt,
  type ChangePreferencesResult,
  type RebuildManyInput,
  type Trigger,
} from '../../workflows/definitions.js';

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
 */
export interface DashboardWorkflows {
  requestRebuild(userId: string, trigger: Trigger): Promise<void>;
  rebuildNow(userId: string, trigger: Trigger, timeoutMs: number): Promise<CanonicalDashboard>;
  /** Runs changePreferences once per request key: a repeated key returns the first run's result. */
  changePreferences(input: ChangePreferencesInput, timeoutMs: number): Promise<ChangePreferencesResult>;
  startRebuildMany(workflowId: string, input: RebuildManyInput): Promise<void>;
  /** Terminates the user's running rebuild, if any; true when one was running. */
  stopRebuild(userId: string, reason: string): Promise<boolean>;
  /** Runs the erasure of one user's data and returns its receipt. */
  eraseUser(userId: string, timeoutMs: number): Promise<ErasureReceipt>;
}

const memo = (userId: string, what: string) => ({ summary: `${what} of user ${userId}` });

export function createDashboardWorkflows(client: Client, taskQueue: string): DashboardWorkflows {
  const attributes = (userId: string, trigger: Trigger) => [
    { key: UserIdAttribute, value: userId },
    { key: TriggerAttribute, value: trigger },
  ];
  const rebuildStart = (userId: string, trigger: Trigger) => ({
    taskQueue,
    workflowId: rebuildWorkflowId(userId),
    args: [{ userId }] as [{ userId: string }],
    typedSearchAttributes: attributes(userId, trigger),
    memo: memo(userId, 'Dashboard rebuilds'),
  });

  return {
    async requestRebuild(userId, trigger) {
      await client.workflow.signalWithStart('rebuildDashboard', {
        ...rebuildStart(userId, trigger),
        signal: requestRebuildSignal,
        signalArgs: [{ trigger }],
      });
    },

    async rebuildNow(userId, trigger, timeoutMs) {
      return client.withDeadline(Date.now() + timeoutMs, () =>
        client.workflow.executeUpdateWithStart(rebuildNowUpdate, {
          args: [{ trigger }],
          startWorkflowOperation: new WithStartWorkflowOperation('rebuildDashboard', { ...rebuildStart(userId, trigger), workflowIdConflictPolicy: 'USE_EXISTING' }),
        }),
      );
    },

    async changePreferences(input, timeoutMs) {
      const workflowId = preferencesWorkflowId(input.userId, input.requestKey);
      return client.withDeadline(Date.now() + timeoutMs, async () => {
        try {
          return await client.workflow.execute('changePreferences', {
            taskQueue,
            workflowId,
            args: [input],
            // A request key is used once: the same key again must not apply the change again.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowExecutionTimeout: '1 minute',
            typedSearchAttributes: attributes(input.userId, 'preferences'),
            memo: memo(input.userId, `Preference change ${input.requestKey}`),
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          return (await client.workflow.getHandle(workflowId).result()) as ChangePreferencesResult;
        }
      });
    },

    async startRebuildMany(workflowId, input) {
      await client.workflow.start('rebuildMany', {
        taskQueue,
        workflowId,
        args: [input],
        typedSearchAttributes: [{ key: TriggerAttribute, value: input.trigger }],
        memo: { summary: input.userIds ? `Rebuild of ${input.userIds.length} users` : 'Rebuild of every user' },
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

    async eraseUser(userId, timeoutMs) {
      return client.withDeadline(Date.now() + timeoutMs, () =>
        client.workflow.execute('eraseUser', {
          taskQueue,
          workflowId: eraseWorkflowId(userId),
          args: [userId],
          // An erasure may be requested again later (new data arrived); one at a time per user.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowExecutionTimeout: '5 minutes',
          typedSearchAttributes: attributes(userId, 'admin'),
          memo: memo(userId, 'Erasure of the personal data'),
        }),
      );
    },
  };
}
