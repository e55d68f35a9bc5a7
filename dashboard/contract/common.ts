import { z } from 'zod';

/**
 * Building blocks shared by every part of the contract. Limits live here so the schemas, the
 * error mapping and the tests all read the same numbers.
 */
export const LIMITS = {
  /** Longest id we accept anywhere (account, partner, widget, user ids). */
  idMaxLength: 64,
  /** Longest list of ids in one preference list (order, hidden, pinned). */
  listMaxLength: 200,
  /** Widgets that may carry settings, and settings per widget. */
  widgetSettingsMaxWidgets: 50,
  widgetSettingsMaxEntries: 20,
  settingValueMaxLength: 256,
  /** Serialized (UTF-8 JSON) size of a preference document or patch. */
  preferencesMaxBytes: 16 * 1024,
} as const;

// Ids travel in URLs, cache keys and Cassandra keys, so they are kept to a safe, printable alphabet.
export const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

export const Id = z.string().min(1).max(LIMITS.idMaxLength).regex(ID_PATTERN);

// Offsets are allowed because other teams publish events; comparisons always go through Date.parse.
export const IsoDateTime = z.iso.datetime({ offset: true });

// Only https: a URL the apps load must never be javascript:, data: or plain http.
export const HttpsUrl = z.url({ protocol: /^https$/ }).max(2048);

export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 currency code');

/** An amount of money. A JSON number: precision beyond that is the domain service's concern. */
export const Money = z.object({
  amount: z.number().finite(),
  currency: CurrencyCode,
});
export type Money = z.infer<typeof Money>;

/** The sections of a dashboard, in the order apps show them by default. */
export const SECTION_NAMES = ['accounts', 'partners', 'widgets'] as const;
export const SectionName = z.enum(SECTION_NAMES);
export type SectionName = z.infer<typeof SectionName>;

export const LAYOUTS = ['list', 'grid', 'compact'] as const;
export const Layout = z.enum(LAYOUTS);
export type Layout = z.infer<typeof Layout>;
/** Every app can show a list; it is what an app gets when it cannot show the chosen layout. */
export const DEFAULT_LAYOUT: Layout = 'list';
