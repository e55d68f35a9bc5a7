import { z } from 'zod';
import type { ClientDashboard } from '../../../dashboard/contract/dashboard.js';
import type { SectionName } from '../../../dashboard/contract/common.js';

/**
 * Names of items this browser has seen, per section. A hidden item is not in the dashboard any more,
 * so without this the "Hidden" list of the personalise screen could only show its id.
 */
export type ItemNames = Record<SectionName, Record<string, string>>;

const Stored = z.object({
  accounts: z.record(z.string(), z.string()),
  partners: z.record(z.string(), z.string()),
  widgets: z.record(z.string(), z.string()),
});

const keyFor = (userId: string) => `dashboard.names.${userId}`;
const empty = (): ItemNames => ({ accounts: {}, partners: {}, widgets: {} });

export function loadItemNames(storage: Storage, userId: string): ItemNames {
  try {
    const parsed = Stored.safeParse(JSON.parse(storage.getItem(keyFor(userId)) ?? 'null'));
    return parsed.success ? parsed.data : empty();
  } catch {
    return empty();
  }
}

/** The names in `dashboard` added to what is remembered; returns the merged names. */
export function rememberItemNames(storage: Storage, userId: string, dashboard: ClientDashboard): ItemNames {
  const names = loadItemNames(storage, userId);
  const { accounts, partners, widgets } = dashboard.sections;
  for (const account of accounts?.items ?? []) names.accounts[account.id] = account.name;
  for (const partner of partners?.items ?? []) names.partners[partner.id] = partner.name;
  for (const widget of widgets?.items ?? [])
    if (widget.data.title !== undefined) names.widgets[widget.widget_id] = widget.data.title;
  try {
    storage.setItem(keyFor(userId), JSON.stringify(names));
  } catch {
    // Only the names of hidden items are lost; their ids are shown instead.
  }
  return names;
}
