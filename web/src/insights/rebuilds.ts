import { DASHBOARD_TRIGGERS } from '../../../dashboard/contract/events.js';
import type { RebuildInsights } from '../api/schemas';
import { humanise } from '../format';
import { COLOURS, type FigureRow, type Series } from './figures';

const TRIGGER_COLOURS: Record<(typeof DASHBOARD_TRIGGERS)[number], string> = {
  event: COLOURS.blue,
  miss: COLOURS.orange,
  preferences: COLOURS.green,
  replay: COLOURS.purple,
  admin: COLOURS.red,
};

export const TRIGGER_SERIES: readonly Series[] = DASHBOARD_TRIGGERS.map((trigger) => ({
  key: trigger,
  label: humanise(trigger),
  format: 'count',
  colour: TRIGGER_COLOURS[trigger],
}));

export const LAG_SERIES: readonly Series[] = DASHBOARD_TRIGGERS.map((trigger) => ({
  key: trigger,
  label: `${humanise(trigger)} p95`,
  format: 'ms',
  colour: TRIGGER_COLOURS[trigger],
}));

/** Rebuilds announced, or given up, per day and trigger (a day without any is a zero). */
export function rebuildsPerDay(
  insights: RebuildInsights,
  days: readonly string[],
  count: 'rebuilds' | 'failures' = 'rebuilds',
): FigureRow[] {
  return days.map((day) => {
    const values: Record<string, number> = {};
    for (const trigger of DASHBOARD_TRIGGERS)
      values[trigger] = insights.days.find((d) => d.day === day && d.trigger === trigger)?.[count] ?? 0;
    return { label: day, values };
  });
}

/**
 * The p95 lag per day, per trigger: percentiles of different triggers cannot be merged into one, and
 * triggers without a triggering write (a cache miss, an operator) have no lag at all.
 */
export function lagP95PerDay(insights: RebuildInsights, days: readonly string[]): FigureRow[] {
  return days.map((day) => {
    const values: Record<string, number | null> = {};
    for (const trigger of DASHBOARD_TRIGGERS)
      values[trigger] = insights.days.find((d) => d.day === day && d.trigger === trigger)?.lagP95Ms ?? null;
    return { label: day, values };
  });
}
