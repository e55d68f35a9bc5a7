import type { ClientDashboard } from '../../../dashboard/contract/dashboard.js';
import type { SectionName } from '../../../dashboard/contract/common.js';
import type { SectionPreferences } from '../../../dashboard/contract/preferences.js';
import { accountTypeText } from '../dashboard/items';
import type { ItemNames } from '../dashboard/item-names';
import { renderable, type Renderable } from '../dashboard/widgets/Widget';
import { formatMoney, humanise } from '../format';
import type { Row } from './SortableRows';

interface ItemInfo {
  readonly id: string;
  readonly name: string;
  readonly detail: string;
}

const WIDGET_WORDS: Record<Renderable['type'], string> = {
  Card: 'Offer',
  InfoBox: 'Information',
  SectionHeader: 'Heading',
  ProductGrid: 'Product overview',
};

/** A section's items as the dashboard shows them, named the way a person recognises them. */
export function dashboardItems(dashboard: ClientDashboard | null, section: SectionName): ItemInfo[] {
  const sections = dashboard?.sections;
  switch (section) {
    case 'accounts':
      return (sections?.accounts?.items ?? []).map((a) => ({
        id: a.id,
        name: a.name,
        detail: `${accountTypeText(a.type)} · ${formatMoney(a.balance)}`,
      }));
    case 'partners':
      return (sections?.partners?.items ?? []).map((p) => ({ id: p.id, name: p.name, detail: humanise(p.category) }));
    case 'widgets':
      // Only what the dashboard shows: a widget this app drops (unknown type, no title) is not listed either.
      return (sections?.widgets?.items ?? []).flatMap((w) => {
        const shown = renderable(w);
        return shown === null
          ? []
          : [{ id: w.widget_id, name: shown.data.title ?? w.widget_id, detail: WIDGET_WORDS[shown.type] }];
      });
  }
}

/** An order shown before the dashboard that reflects it has been rebuilt (the rebuild runs after the save). */
export interface OrderOverride {
  readonly ids: readonly string[];
  /** The dashboard version it was made on: a newer dashboard already includes the change. */
  readonly dashboardVersion: number;
}

/**
 * The rows of a section's sortable list: the dashboard's order (or the order just chosen, until the
 * rebuilt dashboard arrives), without what is hidden now.
 */
export function visibleRows(
  dashboard: ClientDashboard | null,
  section: SectionName,
  preferences: SectionPreferences,
  names: ItemNames,
  override: OrderOverride | undefined,
): Row[] {
  const items = dashboardItems(dashboard, section);
  const byId = new Map(items.map((item) => [item.id, item]));
  const useOverride = override !== undefined && (dashboard?.version ?? -1) <= override.dashboardVersion;
  const ids = useOverride ? override.ids : items.map((item) => item.id);
  return ids
    .filter((id) => !preferences.hidden.includes(id))
    .map((id) => {
      const item = byId.get(id);
      return {
        id,
        name: item?.name ?? names[section][id] ?? id,
        detail: item?.detail ?? '',
        pinned: preferences.pinned.includes(id),
      };
    });
}

/** Hidden items by the name this browser last saw for them, else by id. */
export function hiddenRows(
  section: SectionName,
  preferences: SectionPreferences,
  names: ItemNames,
  dashboard: ClientDashboard | null,
): { id: string; name: string }[] {
  const known = new Map(dashboardItems(dashboard, section).map((item) => [item.id, item.name]));
  return preferences.hidden.map((id) => ({ id, name: known.get(id) ?? names[section][id] ?? id }));
}
