import { z } from 'zod';
import { Preferences } from '../../../dashboard/contract/preferences.js';

/**
 * Response shapes of the endpoints the API does not describe in the contract folder (the history
 * page); the admin console's and the insights page's come from dashboard/contract/ (admin.ts,
 * insights.ts), as the API's do.
 */
export const HistoryPage = z.object({
  entries: z.array(
    z.object({ version: z.number().int(), preferences: Preferences, requestKey: z.string(), changedAt: z.string() }),
  ),
  nextCursor: z.string().optional(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;
export type HistoryEntry = HistoryPage['entries'][number];

export {
  AdminRebuildResult as RebuildResult,
  FailedRebuilds,
  UserWorkflows,
} from '../../../dashboard/contract/admin.js';

export {
  InsightsQuery,
  OfferInsights,
  PersonalisationInsights,
  RebuildInsights,
  UsageInsights,
} from '../../../dashboard/contract/insights.js';
