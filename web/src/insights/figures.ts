/**
 * The shape every insights chart draws and every figures table lists: one row per day (or offer, or
 * version), one value per series. A chart and its text alternative come from the same rows, so they
 * cannot disagree.
 */
export type FigureFormat = 'count' | 'ms' | 'percent';

export interface Series {
  readonly key: string;
  readonly label: string;
  readonly format: FigureFormat;
  readonly colour: string;
  /** Drawn dashed: the second of a pair (p95 beside p50). */
  readonly dashed?: boolean;
  /** Listed in the figures but not drawn (e.g. conversion beside the counts it is made of). */
  readonly tableOnly?: boolean;
}

export interface FigureRow {
  readonly label: string;
  /** null: nothing to measure that day (no opens, no lag), unlike a measured zero. */
  readonly values: Readonly<Record<string, number | null>>;
}

/** Nothing to draw: no rows, or every drawn value zero or missing. */
export function isEmpty(rows: readonly FigureRow[], series: readonly Series[]): boolean {
  return rows.every((row) => series.every((s) => s.tableOnly === true || !row.values[s.key]));
}

export function formatFigure(value: number | null | undefined, format: FigureFormat): string {
  if (value === null || value === undefined) return '–';
  switch (format) {
    case 'count':
      return new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(value);
    case 'ms':
      return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(value)} ms`;
    case 'percent':
      return new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  }
}

/** "2026-11-24" → "24 Nov": short enough for an axis; the figures tables keep the full day. */
export function formatDayTick(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date);
}

/**
 * Series colours: each has at least 3:1 contrast on white (WCAG non-text contrast), and series that
 * share a chart differ in hue; p95 lines are also dashed, so colour is never the only difference.
 */
export const COLOURS = {
  blue: '#0b5cad',
  orange: '#b45309',
  green: '#1e6b3a',
  purple: '#6d28d9',
  red: '#b42318',
  grey: '#4b5563',
} as const;

/** Only the series with at least one figure: a trigger that never has a lag gets no empty column or legend entry. */
export function withFigures(series: readonly Series[], rows: readonly FigureRow[]): Series[] {
  return series.filter((s) => rows.some((row) => row.values[s.key] !== null && row.values[s.key] !== undefined));
}
