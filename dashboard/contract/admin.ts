import { z } from 'zod';
import { Id } from './common.js';

/**
 * What the admin endpoints (/v1/admin/...) answer: the API documents and serves these shapes, and the
 * web ops console parses its answers with the same ones.
 */
export const UserWorkflow = z.object({
  workflowId: z.string(),
  runId: z.string(),
  type: z.string(),
  status: z
    .string()
    .meta({ description: 'RUNNING, COMPLETED, FAILED, TIMED_OUT, TERMINATED, CANCELLED or CONTINUED_AS_NEW' }),
  taskQueue: z.string(),
  startedAt: z.string(),
  closedAt: z.string().nullable(),
  temporalUiUrl: z.string().meta({ description: 'This run in the Temporal UI' }),
});

export const UserWorkflows = z.object({
  userId: Id,
  temporalUiUrl: z.string().meta({ description: "The Temporal UI's workflow list filtered by this user" }),
  workflows: z.array(UserWorkflow),
});
export type UserWorkflows = z.infer<typeof UserWorkflows>;

export const AdminRebuildResult = z.object({ userId: Id, version: z.number().int(), builtAt: z.string() });
export type AdminRebuildResult = z.infer<typeof AdminRebuildResult>;

export const FailedRebuilds = z.object({
  since: z.string(),
  failed: z.array(
    z.object({
      userId: z.string(),
      workflowId: z.string(),
      runId: z.string(),
      status: z.string(),
      closedAt: z.string(),
      reason: z.string(),
      temporalUiUrl: z.string(),
    }),
  ),
});
export type FailedRebuilds = z.infer<typeof FailedRebuilds>;
