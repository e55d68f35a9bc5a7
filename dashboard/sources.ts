import type { SourceResult } from './contract/dashboard.js';
import type { Widget } from './contract/widget.js';

/** Offers and transaction insights are both widgets: one section, stale if either part is. */
export function mergeWidgetSources(offers: SourceResult<Widget>, insights: SourceResult<Widget>): SourceResult<Widget> {
  const parts = [offers, insights];
  const reasons = parts.flatMap((p) => (p.status === 'fresh' ? [] : [p.reason]));
  const present = parts.flatMap((p) => (p.status === 'missing' ? [] : [p]));
  if (present.length === 0) return { status: 'missing', reason: reasons.join('; ').slice(0, 200) };
  const items = present.flatMap((p) => p.items);
  // Compared as instants: as text, an offset (+02:00) or a time without milliseconds sorts wrongly.
  const asOf = present.reduce((older, p) => (Date.parse(p.asOf) < Date.parse(older.asOf) ? p : older)).asOf;
  return reasons.length === 0
    ? { status: 'fresh', asOf, items }
    : { status: 'stale', asOf, items, reason: reasons.join('; ').slice(0, 200) };
}
