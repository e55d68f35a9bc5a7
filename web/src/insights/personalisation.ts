import type { PersonalisationInsights } from '../api/schemas';
import { humanise } from '../format';
import { COLOURS, type FigureRow, type Series } from './figures';

const PALETTE = [COLOURS.blue, COLOURS.orange, COLOURS.green, COLOURS.purple, COLOURS.red, COLOURS.grey];

/** One count series per key seen, in a stable order, so a key keeps its colour across rows. */
function countSeries(keys: readonly string[]): Series[] {
  return [...new Set(keys)].sort().map((key, index) => ({
    key,
    label: humanise(key),
    format: 'count',
    colour: PALETTE[index % PALETTE.length] ?? COLOURS.grey,
  }));
}

/** One series per sort mode seen. */
export const sortSeries = (insights: PersonalisationInsights): Series[] =>
  countSeries(insights.sorts.map((s) => s.sort));

/** Per section, how many users chose each sort mode. */
export function sortsPerSection(insights: PersonalisationInsights): FigureRow[] {
  const sections = [...new Set(insights.sorts.map((s) => s.section))];
  return sections.map((section) => {
    const values: Record<string, number> = {};
    for (const s of insights.sorts.filter((sort) => sort.section === section))
      values[s.sort] = (values[s.sort] ?? 0) + s.users;
    return { label: humanise(section), values };
  });
}

export const USERS_SERIES: readonly Series[] = [
  { key: 'users', label: 'Users', format: 'count', colour: COLOURS.blue },
];

export function layoutRows(insights: PersonalisationInsights): FigureRow[] {
  return [...insights.layouts]
    .sort((a, b) => b.users - a.users)
    .map((l) => ({ label: humanise(l.layout), values: { users: l.users } }));
}

/** Hidden or pinned items, most often first, named by section and item id (ids are what operators search by). */
export function rankedItems(items: PersonalisationInsights['topHidden']): FigureRow[] {
  return [...items]
    .sort((a, b) => b.users - a.users)
    .map((item) => ({ label: `${humanise(item.section)}: ${item.itemId}`, values: { users: item.users } }));
}

/** Users with an order of their own per app version, one series per section: who uses custom order, on what. */
export const customOrderSeries = (insights: PersonalisationInsights): Series[] =>
  countSeries(insights.customOrder.map((c) => c.section));

export function customOrderPerVersion(insights: PersonalisationInsights): FigureRow[] {
  const versions = [...new Set(insights.customOrder.map((c) => `${c.platform} ${c.appVersion}`))].sort();
  return versions.map((version) => {
    const values: Record<string, number> = {};
    for (const c of insights.customOrder.filter((o) => `${o.platform} ${o.appVersion}` === version))
      values[c.section] = (values[c.section] ?? 0) + c.users;
    return { label: version, values };
  });
}
