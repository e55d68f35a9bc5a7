import type { PersonalisationInsights } from '../api/schemas';
import { humanise } from '../format';
import { COLOURS, type FigureRow, type Series } from './figures';

const PALETTE = [COLOURS.blue, COLOURS.orange, COLOURS.green, COLOURS.purple, COLOURS.red, COLOURS.grey];

/** One series per sort mode seen, in a stable order, so a mode keeps its colour across sections. */
export function sortSeries(insights: PersonalisationInsights): Series[] {
  const modes = [...new Set(insights.sorts.map((s) => s.sort))].sort();
  return modes.map((mode, index) => ({
    key: mode,
    label: humanise(mode),
    format: 'count',
    colour: PALETTE[index % PALETTE.length] ?? COLOURS.grey,
  }));
}

/** Per section, how many changes chose each sort mode. */
export function sortsPerSection(insights: PersonalisationInsights): FigureRow[] {
  const sections = [...new Set(insights.sorts.map((s) => s.section))];
  return sections.map((section) => {
    const values: Record<string, number> = {};
    for (const s of insights.sorts.filter((sort) => sort.section === section))
      values[s.sort] = (values[s.sort] ?? 0) + s.changes;
    return { label: humanise(section), values };
  });
}

export const CHANGES_SERIES: readonly Series[] = [
  { key: 'changes', label: 'Changes', format: 'count', colour: COLOURS.blue },
];

export function layoutRows(insights: PersonalisationInsights): FigureRow[] {
  return [...insights.layouts]
    .sort((a, b) => b.changes - a.changes)
    .map((l) => ({ label: humanise(l.layout), values: { changes: l.changes } }));
}

/** Hidden or pinned items, most often first, named by section and item id (ids are what operators search by). */
export function rankedItems(items: PersonalisationInsights['topHidden']): FigureRow[] {
  return [...items]
    .sort((a, b) => b.changes - a.changes)
    .map((item) => ({ label: `${humanise(item.section)}: ${item.itemId}`, values: { changes: item.changes } }));
}
