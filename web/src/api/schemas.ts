import { z } from 'zod';
import { Preferences } from '../../../dashboard/contract/preferences.js';

/**
 * Response shapes of the endpoints the contract folder does not describe (history and the admin
 * console). Written from the API's documented shapes; a mismatch shows as an error, never half a page.
 */
export const HistoryPage = z.object({
  entries: z.array(
    z.object({ version: z.number().int(), preferences: Preferences, requestKey: z.string(), changedAt: z.string() }),
  ),
  nextCursor: z.string().optional(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;
export type HistoryEntry = HistoryPage['entries'][number];

export const UserWorkflows = z.object({
  userId: z.string(),
  temporalUiUrl: z.string().nullable(),
  workflows: z.array(
    z.object({
      workflowId: z.string(),
      runId: z.string(),
      type: z.string(),
      status: z.string(),
      startedAt: z.string(),
      closedAt: z.string().nullable(),
      temporalUiUrl: z.string().nullable(),
    }),
  ),
});
export type UserWorkflows = z.infer<typeof UserWorkflows>;

export const RebuildResult = z.object({ userId: z.string(), version: z.number().int(), builtAt: z.string() });
export type RebuildResult = z.infer<typeof RebuildResult>;

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
      temporalUiUrl: z.string().nullable(),
    }),
  ),
});
export type FailedRebuilds = z.infer<typeof FailedRebuilds>;
