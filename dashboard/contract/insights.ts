import { z } from 'zod';
import { DASHBOARD_SOURCES, DASHBOARD_TRIGGERS } from './events.js';
import { Id, SECTION_NAMES } from './common.js';

/**
 * What the insights endpoints (/v1/insights/...) answer, for admin tokens: daily figures rolled up from
 * the event stream into the analytics store (never a scan of raw events on a request). The web app's
 * Insights page parses its answers with these same schemas.
 */

/** A UTC calendar day, e.g. 2026-11-24. */
export const Day = z.iso.date();
export type Day = z.infer<typeof Day>;

/** The longest range one request may ask for. */
export const INSIGHTS_MAX_DAYS = 366;

/** Each parameter on its own: what the OpenAPI document can say. */
export const InsightsQueryParams = z.object({
  from: Day.meta({ description: 'First day (UTC), inclusive' }),
  to: Day.meta({ description: `Last day (UTC), inclusive; at most ${INSIGHTS_MAX_DAYS} days after from` }),
  platform: z.enum(['ios', 'android', 'web']).optional().meta({ description: 'Only this platform' }),
});

/** Whether a range is one the insights answer: in order, and at most INSIGHTS_MAX_DAYS days long. */
export function insightsRangeProblem(query: { from: string; to: string }): string | undefined {
  if (query.from > query.to) return '`from` must not be after `to`';
  if ((Date.parse(query.to) - Date.parse(query.from)) / 86_400_000 >= INSIGHTS_MAX_DAYS)
    return `At most ${INSIGHTS_MAX_DAYS} days`;
  return undefined;
}

/** A whole query, the range included: what the web app checks its filters with. */
export const InsightsQuery = InsightsQueryParams.superRefine((query, ctx) => {
  const problem = insightsRangeProblem(query);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: ['to'] });
});
export type InsightsQuery = z.infer<typeof InsightsQuery>;

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();

/** Dashboard opens: per day, and per app version over the range. */
export const UsageInsights = z.object({
  days: z.array(z.object({ day: Day, opens: count, distinctUsers: count })),
  /** Per day and where the dashboard came from: how often, how many 304s, how fast (server time). */
  sources: z.array(
    z.object({
      day: Day,
      source: z.enum(DASHBOARD_SOURCES),
      opens: count,
      etagHits: count,
      p50Ms: ms,
      p95Ms: ms,
      p99Ms: ms,
    }),
  ),
  versions: z.array(z.object({ platform: z.string(), appVersion: z.string(), opens: count, distinctUsers: count })),
});
export type UsageInsights = z.infer<typeof UsageInsights>;

/**
 * Who personalises what: each day, the users who changed their preferences, counted once each by the
 * preferences they ended the day with (a user who changes twice in a day counts once), summed over the
 * range's days like the other per-day counts.
 */
export const PersonalisationInsights = z.object({
  users: count,
  /** Sort mode chosen per section; `customOrder` counts users whose section has an order of its own. */
  sorts: z.array(z.object({ section: z.enum(SECTION_NAMES), sort: z.string(), users: count })),
  customOrder: z.array(
    z.object({ section: z.enum(SECTION_NAMES), platform: z.string(), appVersion: z.string(), users: count }),
  ),
  layouts: z.array(z.object({ layout: z.string(), users: count })),
  topHidden: z.array(z.object({ section: z.enum(SECTION_NAMES), itemId: Id, users: count })),
  topPinned: z.array(z.object({ section: z.enum(SECTION_NAMES), itemId: Id, users: count })),
});
export type PersonalisationInsights = z.infer<typeof PersonalisationInsights>;

/** Offers shown on dashboards and bought, per offer over the range (distinct users per day, summed). */
export const OfferInsights = z.object({
  offers: z.array(z.object({ offerId: Id, shownUsers: count, purchases: count, conversion: z.number().min(0) })),
});
export type OfferInsights = z.infer<typeof OfferInsights>;

/**
 * Rebuilds per day and trigger: announced ones with the lag from the triggering write to the
 * announcement, and those that gave up.
 */
export const RebuildInsights = z.object({
  days: z.array(
    z.object({
      day: Day,
      trigger: z.enum(DASHBOARD_TRIGGERS),
      rebuilds: count,
      failures: count,
      lagP50Ms: ms.nullable(),
      lagP95Ms: ms.nullable(),
    }),
  ),
});
export type RebuildInsights = z.infer<typeof RebuildInsights>;
