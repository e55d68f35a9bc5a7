import { InsightsQuery } from '../api/schemas';

export type PlatformChoice = 'all' | NonNullable<InsightsQuery['platform']>;

/** What the person chose, as the form holds it: dates may be half typed, so this is not yet a query. */
export interface InsightsFilters {
  readonly from: string;
  readonly to: string;
  readonly platform: PlatformChoice;
}

export const PLATFORM_CHOICES: readonly { readonly value: PlatformChoice; readonly label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'ios', label: 'iOS' },
  { value: 'android', label: 'Android' },
  { value: 'web', label: 'Web' },
];

const DAY_MS = 86_400_000;

/** A UTC calendar day, as the API counts them (not the browser's own day). */
export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** The last 7 days up to today (UTC): a week is what a product team looks at first. */
export function defaultFilters(now: number = Date.now()): InsightsFilters {
  return { from: utcDay(now - 6 * DAY_MS), to: utcDay(now), platform: 'all' };
}

export type QueryOrProblem =
  { readonly ok: true; readonly query: InsightsQuery } | { readonly ok: false; readonly problem: string };

/**
 * The filters as the API's query, checked with the contract's own schema, so a range the API would
 * refuse (to before from, over a year) is explained beside the form instead of costing a request.
 */
export function queryFrom(filters: InsightsFilters): QueryOrProblem {
  const parsed = InsightsQuery.safeParse({
    from: filters.from,
    to: filters.to,
    ...(filters.platform === 'all' ? {} : { platform: filters.platform }),
  });
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path[0];
  const problem =
    issue?.code === 'custom'
      ? issue.message.replaceAll('`from`', '"From"').replaceAll('`to`', '"To"')
      : `Enter a date for "${field === 'to' ? 'To' : 'From'}"`;
  return { ok: false, problem };
}

/** Every day of the range, so a day without events shows as a zero instead of vanishing from the axis. */
export function daysOf(query: InsightsQuery): string[] {
  const days: string[] = [];
  for (let time = Date.parse(query.from); time <= Date.parse(query.to); time += DAY_MS) days.push(utcDay(time));
  return days;
}
