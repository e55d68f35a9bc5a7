import { WorkflowFailedError, type Client } from '@temporalio/client';
import { taskQueues } from '../../config/index.js';
import { UserIdAttribute, settlingQuery, type SettlingStatus } from '../../contract/workflows.js';
import { taskQueueFilter } from './open-workflows.js';

/**
 * What operators ask Temporal's visibility about one user or about failed rebuilds: shared by the ops
 * CLI and the API's admin endpoints, so both show the same runs.
 */
export interface FailedRebuild {
  readonly userId: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly status: string;
  readonly closedAt: string;
  readonly reason: string;
}

export interface UserWorkflow {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly status: string;
  readonly taskQueue: string;
  readonly startedAt: string;
  readonly closedAt: string | null;
}

/** How far back a listing looks, as operators write it: 45s, 30m, 1h, 2d (at most four digits). */
export const LOOKBACK = /^([1-9][0-9]{0,3})([smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The moment `text` (see LOOKBACK) before `nowMs`; undefined when it is not one. */
export function lookbackStart(text: string, nowMs: number): Date | undefined {
  const match = LOOKBACK.exec(text.trim());
  if (!match) return undefined;
  return new Date(nowMs - Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

// Visibility strings are quoted by us; a quote in a user id (ids never have one) would end the literal.
const literal = (text: string) => `'${text.replaceAll("'", '')}'`;

/** Failed or timed-out rebuilds closed since `since`, at most `limit`, with their failure reason. */
export async function listFailedRebuilds(
  client: Client,
  since: Date,
  taskQueue?: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<FailedRebuild[]> {
  const query = [
    `WorkflowType = 'rebuildDashboard'`,
    `ExecutionStatus IN ('Failed', 'TimedOut')`,
    `CloseTime > '${since.toISOString()}'`,
    // Per-user rebuilds run on the interactive queue named after the deployment's TEMPORAL_TASK_QUEUE.
    ...(taskQueue ? [taskQueueFilter(Object.values(taskQueues({ TEMPORAL_TASK_QUEUE: taskQueue })))] : []),
  ].join(' AND ');
  const failed: FailedRebuild[] = [];
  for await (const info of client.workflow.list({ query })) {
    if (failed.length >= limit) break;
    const reason = await client.workflow
      .getHandle(info.workflowId, info.runId)
      .result()
      .then(
        () => 'completed',
        (error: unknown) =>
          error instanceof WorkflowFailedError ? (error.cause?.message ?? error.message) : String(error),
      );
    failed.push({
      userId:
        info.typedSearchAttributes.get(UserIdAttribute)?.[0] ?? info.workflowId.replace(/^dashboard-rebuild:/, ''),
      workflowId: info.workflowId,
      runId: info.runId,
      status: info.status.name,
      closedAt: info.closeTime?.toISOString() ?? '',
      reason,
    });
  }
  return failed;
}

/** A user whose last build fell short and is tried again until it settles (workflows/settle.ts). */
export interface UnsettledBuild {
  readonly userId: string;
  readonly what: SettlingStatus['users'][number]['what'];
  /** When the first build of the run fell short (ISO), and the retries since. */
  readonly since: string;
  readonly retries: number;
  readonly workflowId: string;
}

/** How long one run may take to answer what it is settling; one that does not is left out, not waited for. */
const SETTLING_QUERY_TIMEOUT_MS = 5_000;

/**
 * The users whose dashboard a running rebuild is still finishing: a source shown from its snapshot,
 * the cache or the announcement not done, or a build failing for a reason that passes. They are not
 * failed (the retries go on until the component answers, for a day at most), so `ops failed` does not
 * list them; this asks each running rebuildDashboard and rebuildBatch run (settlingQuery), at most `limit` runs.
 */
export async function listUnsettledBuilds(
  client: Client,
  taskQueue?: string,
  limit = 1_000,
): Promise<UnsettledBuild[]> {
  const query = [
    `WorkflowType IN ('rebuildDashboard', 'rebuildBatch')`,
    `ExecutionStatus = 'Running'`,
    ...(taskQueue ? [taskQueueFilter(Object.values(taskQueues({ TEMPORAL_TASK_QUEUE: taskQueue })))] : []),
  ].join(' AND ');
  const found: UnsettledBuild[] = [];
  let runs = 0;
  for await (const info of client.workflow.list({ query })) {
    if (++runs > limit) break;
    // A run started before the query existed, or one that closed meanwhile, has nothing to tell.
    const status = await client.connection
      .withDeadline(Date.now() + SETTLING_QUERY_TIMEOUT_MS, () =>
        client.workflow.getHandle(info.workflowId, info.runId).query(settlingQuery),
      )
      .catch(() => undefined);
    for (const { userId, what } of status?.users ?? [])
      found.push({
        userId,
        what,
        since: new Date(status?.since ?? 0).toISOString(),
        retries: status?.retries ?? 0,
        workflowId: info.workflowId,
      });
  }
  return found;
}

/** The visibility query for every workflow that touched a user: their own runs and the batches that named them. */
export const userWorkflowsQuery = (userId: string) => `UserId = ${literal(userId)}`;

/** The newest `limit` workflows that touched the user, newest first (visibility's order). */
export async function listUserWorkflows(client: Client, userId: string, limit: number): Promise<UserWorkflow[]> {
  const found: UserWorkflow[] = [];
  for await (const info of client.workflow.list({ query: userWorkflowsQuery(userId), pageSize: limit })) {
    found.push({
      workflowId: info.workflowId,
      runId: info.runId,
      type: info.type,
      status: info.status.name,
      taskQueue: info.taskQueue,
      startedAt: info.startTime.toISOString(),
      closedAt: info.closeTime?.toISOString() ?? null,
    });
    if (found.length >= limit) break;
  }
  return found;
}
