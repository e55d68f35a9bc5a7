/**
 * UTC calendar days as `YYYY-MM-DD` strings: what rollups, backfills and retention count in. Pure, so
 * workflow code may use it (with the workflow's own clock).
 */
const DAY_MS = 86_400_000;

export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
}

/** Every day from `from` to `to`, both included, in order; empty when `from` is after `to`. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}
