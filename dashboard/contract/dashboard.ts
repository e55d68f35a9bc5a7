import { z } from 'zod';
import { Id, IsoDateTime, Layout } from './common.js';
import { Account, Partner } from './items.js';
import { ACCOUNT_SORT_MODES, PARTNER_SORT_MODES, WIDGET_SORT_MODES } from './preferences.js';
import { ClientWidget, Widget } from './widget.js';

/**
 * What one domain service gave the rebuild. `stale` is the last-known snapshot kept after a failed
 * fetch; `missing` means there is not even a snapshot. Transactions are not a section: they only move
 * account balances, which the accounts service reports.
 */
const Reason = z.string().min(1).max(200);
export const sourceResult = <T extends z.ZodType>(item: T) =>
  z.discriminatedUnion('status', [
    z.object({ status: z.literal('fresh'), asOf: IsoDateTime, items: z.array(item) }),
    z.object({ status: z.literal('stale'), asOf: IsoDateTime, items: z.array(item), reason: Reason }),
    z.object({ status: z.literal('missing'), reason: Reason }),
  ]);
export const DashboardSources = z.object({
  accounts: sourceResult(Account),
  partners: sourceResult(Partner),
  widgets: sourceResult(Widget),
});
export type DashboardSources = z.infer<typeof DashboardSources>;
export type SourceResult<T> =
  | { status: 'fresh'; asOf: string; items: T[] }
  | { status: 'stale'; asOf: string; items: T[]; reason: string }
  | { status: 'missing'; reason: string };

/** How current a section is. `asOf` is null when the source never delivered. */
export const Freshness = z.object({
  asOf: IsoDateTime.nullable(),
  stale: z.boolean(),
  reason: Reason.nullable(),
});
export type Freshness = z.infer<typeof Freshness>;

const canonicalSection = <T extends z.ZodType, Mode extends string>(item: T, modes: readonly [Mode, ...Mode[]]) =>
  z.object({
    freshness: Freshness,
    /** The sort mode that produced `items`. */
    sort: z.enum(modes),
    /** Visible pinned ids, in pin order; they lead `items`. */
    pinned: z.array(Id),
    /**
     * Visible ids in the section's default order (no custom order, sort mode or pins). Kept so a
     * render for an app without advanced ordering needs no second composition.
     */
    defaultOrder: z.array(Id),
    /** Visible items in the user's order. */
    items: z.array(item),
  });

/**
 * The canonical dashboard: one per user, independent of any app version. `version` increases with
 * every build (an older build never overwrites a newer one); `builtAt` is when the build began reading its sources.
 */
export const CanonicalDashboard = z.object({
  userId: Id,
  version: z.number().int().nonnegative(),
  builtAt: IsoDateTime,
  layout: Layout,
  sections: z.object({
    accounts: canonicalSection(Account, ACCOUNT_SORT_MODES),
    partners: canonicalSection(Partner, PARTNER_SORT_MODES),
    widgets: canonicalSection(Widget, WIDGET_SORT_MODES),
  }),
});
export type CanonicalDashboard = z.infer<typeof CanonicalDashboard>;

const clientSection = <T extends z.ZodType>(item: T) =>
  z.object({ freshness: Freshness, pinned: z.array(Id), items: z.array(item) });

/**
 * What one app version receives: sections it cannot show are absent, widgets are downgraded,
 * the layout is one it knows. `profile` is the capability profile key it was rendered for.
 */
export const ClientDashboard = z.object({
  userId: Id,
  version: z.number().int().nonnegative(),
  builtAt: IsoDateTime,
  profile: z.string().min(1),
  layout: Layout,
  sections: z.object({
    accounts: clientSection(Account).optional(),
    partners: clientSection(Partner).optional(),
    widgets: clientSection(ClientWidget).optional(),
  }),
});
export type ClientDashboard = z.infer<typeof ClientDashboard>;
