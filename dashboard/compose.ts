import { canonicalJson, canonicalize } from './canonical-json.js';
import type { CanonicalDashboard, DashboardSources, Freshness, SourceResult } from './contract/dashboard.js';
import type { SectionPreferences, Preferences } from './contract/preferences.js';
import { DashboardCoreError } from './errors.js';
import { accountOrder, applyCustomOrder, partnerOrder, widgetOrder, type Comparator } from './ordering.js';

export interface ComposeOptions {
  /**
   * The build's version. The rebuild workflow passes its own increasing counter; by default it is
   * `now` in epoch milliseconds, which increases with every later build of the same user.
   */
  version?: number;
  /** Locale for alphabetical order. Fixed per deployment, not per request, so the canonical view is one. */
  locale?: string;
}

export const DEFAULT_LOCALE = 'de';

// An ISO 8601 date-time with a zone, as the contract's IsoDateTime accepts. Checked with a regular
// expression rather than the zod schema because workflows import this module, and every workflow run
// re-evaluates what its bundle imports: the contract's schemas cost milliseconds per run (profiled).
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const isIsoDateTime = (text: string) => ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text));

/**
 * The canonical dashboard: a pure function of what the domain services said, what the user prefers
 * and the build time. Equal inputs give byte-identical JSON (keys in canonical order), whatever the
 * order of the source items.
 */
export function composeDashboard(
  sources: DashboardSources,
  preferences: Preferences,
  now: string,
  options: ComposeOptions = {},
): CanonicalDashboard {
  if (!isIsoDateTime(now)) {
    throw new DashboardCoreError('CORE_INVALID_ARGUMENT', `now must be an ISO date-time, got ${JSON.stringify(now)}`);
  }
  const version = options.version ?? Date.parse(now);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new DashboardCoreError('CORE_INVALID_ARGUMENT', `version must be a non-negative integer, got ${version}`);
  }
  const locale = options.locale ?? DEFAULT_LOCALE;
  const prefs = preferences.sections;
  const accountsSort = prefs.accounts.sort;
  const partnersSort = prefs.partners.sort;

  const dashboard: CanonicalDashboard = {
    userId: preferences.userId,
    version,
    builtAt: now,
    layout: preferences.layout,
    sections: {
      accounts: composeSection(
        sources.accounts,
        prefs.accounts,
        (a) => a.id,
        accountOrder('default', locale),
        accountOrder(accountsSort, locale),
      ),
      partners: composeSection(
        sources.partners,
        prefs.partners,
        (p) => p.id,
        partnerOrder('default', locale),
        partnerOrder(partnersSort, locale),
      ),
      widgets: composeSection(sources.widgets, prefs.widgets, (w) => w.widget_id, widgetOrder(), widgetOrder()),
    },
  };
  // Sorted keys make JSON.stringify stable even when sources arrive with keys in another order.
  return canonicalize(dashboard) as CanonicalDashboard;
}

function composeSection<T, Mode extends string>(
  source: SourceResult<T>,
  prefs: SectionPreferences<Mode>,
  idOf: (item: T) => string,
  defaultComparator: Comparator<T>,
  sortComparator: Comparator<T>,
) {
  const hidden = new Set(prefs.hidden);
  const byId = uniqueById(source.status === 'missing' ? [] : source.items, idOf);
  const visible = [...byId.values()].filter((item) => !hidden.has(idOf(item)));

  const defaultOrder = [...visible].sort(defaultComparator).map(idOf);
  const sorted =
    prefs.sort === 'custom' ? applyCustomOrder(defaultOrder, prefs.order) : [...visible].sort(sortComparator).map(idOf);
  const pinned = [...new Set(prefs.pinned)].filter((id) => byId.has(id) && !hidden.has(id));
  const pinnedSet = new Set(pinned);
  const order = [...pinned, ...sorted.filter((id) => !pinnedSet.has(id))];

  return {
    freshness: freshnessOf(source),
    sort: prefs.sort,
    pinned,
    defaultOrder,
    items: order.map((id) => byId.get(id) as T),
  };
}

function freshnessOf(source: SourceResult<unknown>): Freshness {
  switch (source.status) {
    case 'fresh':
      return { asOf: source.asOf, stale: false, reason: null };
    case 'stale':
      return { asOf: source.asOf, stale: true, reason: source.reason };
    case 'missing':
      return { asOf: null, stale: true, reason: source.reason };
  }
}

/**
 * One item per id. A service should never repeat an id; if it does, the choice must still not depend
 * on input order, so the item with the smallest canonical JSON wins.
 */
function uniqueById<T>(items: readonly T[], idOf: (item: T) => string): Map<string, T> {
  const chosen = new Map<string, T>();
  for (const item of items) {
    const id = idOf(item);
    const current = chosen.get(id);
    // Serialised only when an id repeats: the rare case should not cost every item of every build.
    if (current === undefined || canonicalJson(item) < canonicalJson(current)) chosen.set(id, item);
  }
  return chosen;
}
