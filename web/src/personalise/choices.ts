import type { Layout, SectionName } from '../../../dashboard/contract/common.js';
import { ACCOUNT_SORT_MODES, PARTNER_SORT_MODES, WIDGET_SORT_MODES } from '../../../dashboard/contract/preferences.js';

export const LAYOUT_LABELS: Record<Layout, string> = { list: 'List', grid: 'Grid', compact: 'Compact' };

/** Sort modes per section, from the contract, with the words the select shows. */
export const SORT_CHOICES: Record<SectionName, readonly { readonly value: string; readonly label: string }[]> = {
  accounts: ACCOUNT_SORT_MODES.map((value) => ({
    value,
    label: {
      custom: 'My order',
      alphabetical: 'Alphabetical',
      balance_desc: 'Highest balance first',
      opened_desc: 'Newest first',
    }[value],
  })),
  partners: PARTNER_SORT_MODES.map((value) => ({
    value,
    label: { custom: 'My order', alphabetical: 'Alphabetical', category: 'By category' }[value],
  })),
  widgets: WIDGET_SORT_MODES.map((value) => ({
    value,
    label: { custom: 'My order', priority: 'Recommended first' }[value],
  })),
};

/** The select's label: "Sort accounts", "Sort partners", "Sort offers". */
export const SORT_LABELS: Record<SectionName, string> = {
  accounts: 'Sort accounts',
  partners: 'Sort partners',
  widgets: 'Sort offers',
};
