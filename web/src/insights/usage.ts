import { DASHBOARD_SOURCES } from '../../../dashboard/contract/events.js';
import type { UsageInsights } from '../api/schemas';
import { humanise } from '../format';
import { COLOURS, type FigureRow, type Series } from './figures';

const SOURCE_COLOURS: Record<(typeof DASHBOARD_SOURCES)[number], string> = {
  cache: COLOURS.blue,
  view: COLOURS.orange,
  rebuild: COLOURS.purple,
};

export const OPENS_SERIES: readonly Series[] = [
  { key: 'opens', label: 'Opens', format: 'count', colour: COLOURS.blue },
  { key: 'users', label: 'Distinct users', format: 'count', colour: COLOURS.orange },
];

/** Opens and distinct users on every day of the range (a day without opens is a zero). */
export function opensPerDay(usage: UsageInsights, days: readonly string[]): FigureRow[] {
  const byDay = new Map(usage.days.map((d) => [d.day, d]));
  return days.map((day) => ({
    label: day,
    values: { opens: byDay.get(day)?.opens ?? 0, users: byDay.get(day)?.distinctUsers ?? 0 },
  }));
}

export const LATENCY_SERIES: readonly Series[] = DASHBOARD_SOURCES.flatMap((source) => [
  { key: `${source}-p50`, label: `${humanise(source)} p50`, format: 'ms' as const, colour: SOURCE_COLOURS[source] },
  {
    key: `${source}-p95`,
    label: `${humanise(source)} p95`,
    format: 'ms' as const,
    colour: SOURCE_COLOURS[source],
    dashed: true,
  },
]);

/** Server time per day and source; a source that served nothing that day has no figure, not 0 ms. */
export function latencyPerDay(usage: UsageInsights, days: readonly string[]): FigureRow[] {
  return days.map((day) => {
    const values: Record<string, number | null> = {};
    for (const source of DASHBOARD_SOURCES) {
      const row = usage.sources.find((s) => s.day === day && s.source === source);
      values[`${source}-p50`] = row?.p50Ms ?? null;
      values[`${source}-p95`] = row?.p95Ms ?? null;
    }
    return { label: day, values };
  });
}

export const HIT_RATIO_SERIES: readonly Series[] = [
  { key: 'ratio', label: 'Cache hit ratio', format: 'percent', colour: COLOURS.green },
  { key: 'cache', label: 'Opens from cache', format: 'count', colour: COLOURS.blue, tableOnly: true },
  { key: 'opens', label: 'Opens', format: 'count', colour: COLOURS.grey, tableOnly: true },
];

/** The share of each day's opens the API answered from its cache; no ratio on a day without opens. */
export function hitRatioPerDay(usage: UsageInsights, days: readonly string[]): FigureRow[] {
  return days.map((day) => {
    const sources = usage.sources.filter((s) => s.day === day);
    const opens = sources.reduce((sum, s) => sum + s.opens, 0);
    const cache = sources.filter((s) => s.source === 'cache').reduce((sum, s) => sum + s.opens, 0);
    return { label: day, values: { ratio: opens === 0 ? null : cache / opens, cache, opens } };
  });
}

export const VERSION_SERIES: readonly Series[] = [
  { key: 'opens', label: 'Opens', format: 'count', colour: COLOURS.blue },
  { key: 'users', label: 'Distinct users', format: 'count', colour: COLOURS.grey, tableOnly: true },
];

const PLATFORM_NAMES: Record<string, string> = { ios: 'iOS', android: 'Android', web: 'Web' };

/** Opens per platform and app version, most opened first. */
export function opensPerVersion(usage: UsageInsights): FigureRow[] {
  return [...usage.versions]
    .sort((a, b) => b.opens - a.opens)
    .map((v) => ({
      label: `${PLATFORM_NAMES[v.platform] ?? v.platform} ${v.appVersion}`,
      values: { opens: v.opens, users: v.distinctUsers },
    }));
}
