import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalDashboard, DashboardSources, Preferences, SourceResult } from '../../dashboard/index.js';
import {
  CanonicalDashboard as CanonicalDashboardSchema,
  DashboardCoreError,
  composeDashboard,
  defaultPreferences,
} from '../../dashboard/index.js';
import { preferencesArb, sourcesArb } from './arbitraries.js';
import { NOW, richPreferences, richSources } from './fixtures.js';

const SECTIONS = ['accounts', 'partners', 'widgets'] as const;
type SectionKey = (typeof SECTIONS)[number];

function idsOf(dashboard: CanonicalDashboard, section: SectionKey): string[] {
  const s = dashboard.sections;
  if (section === 'widgets') return s.widgets.items.map((w) => w.widget_id);
  return s[section].items.map((item) => item.id);
}
function sourceIds(sources: DashboardSources, section: SectionKey): string[] {
  const source = sources[section] as SourceResult<{ id?: string; widget_id?: string }>;
  if (source.status === 'missing') return [];
  return source.items.map((item) => item.id ?? item.widget_id ?? '');
}

const isSubsequence = (sub: string[], of: string[]) => {
  let at = 0;
  for (const id of of) if (id === sub[at]) at++;
  return at === sub.length;
};

/** Rebuilds every object with reversed key order: same data, different JS shape. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => reverseKeys(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    ) as T;
  }
  return value;
}
// Only the item lists are shuffled: other arrays (requires, preference lists) carry meaning in their order.
function scrambleSources(sources: DashboardSources, permutation: number[]): DashboardSources {
  const shuffle = <T>(items: T[]) => permutation.filter((i) => i < items.length).map((i) => items[i] as T);
  const scrambled = (source: SourceResult<unknown>) =>
    source.status === 'missing' ? source : { ...source, items: shuffle(source.items) };
  return reverseKeys({
    widgets: scrambled(sources.widgets),
    partners: scrambled(sources.partners),
    accounts: scrambled(sources.accounts),
  }) as DashboardSources;
}
const permutationArb = fc.shuffledSubarray([...Array(12).keys()], { minLength: 12 });

describe('composeDashboard: the rich example', () => {
  const dashboard = composeDashboard(richSources, richPreferences(), NOW);

  it('puts pinned items first, then the custom order, with a new account at its default position', () => {
    // Default order is by opening date: old, giro, savings, card, usd, new. "acc-new" follows its default
    // predecessor "acc-usd"; "acc-old" is hidden; "acc-gone" no longer exists.
    expect(idsOf(dashboard, 'accounts')).toEqual(['acc-savings', 'acc-usd', 'acc-new', 'acc-giro', 'acc-card']);
    expect(dashboard.sections.accounts.pinned).toEqual(['acc-savings']);
    expect(dashboard.sections.accounts.defaultOrder).toEqual([
      'acc-giro',
      'acc-savings',
      'acc-card',
      'acc-usd',
      'acc-new',
    ]);
  });

  it('sorts alphabetically with the German collator (Ö next to O, not after Z)', () => {
    expect(dashboard.sections.partners.items.map((p) => p.name)).toEqual(['Allianz', 'Bahn Bonus', 'Ökostrom Nord']);
  });

  it('keeps a stale source with its reason and a fresh one without', () => {
    expect(dashboard.sections.partners.freshness).toEqual({
      asOf: '2025-03-14T08:00:00.000Z',
      stale: true,
      reason: 'partners service timed out',
    });
    expect(dashboard.sections.accounts.freshness).toEqual({
      asOf: '2025-03-14T09:29:58.000Z',
      stale: false,
      reason: null,
    });
  });

  it('carries user, layout, build time and, by default, the build time in ms as version', () => {
    expect(dashboard).toMatchObject({ userId: 'user-4711', layout: 'grid', builtAt: NOW, version: Date.parse(NOW) });
    expect(composeDashboard(richSources, richPreferences(), NOW, { version: 42 }).version).toBe(42);
  });

  it('is a valid canonical dashboard document', () => {
    expect(CanonicalDashboardSchema.parse(dashboard)).toEqual(dashboard);
  });

  it('keeps a missing source as an empty, stale section', () => {
    const sources: DashboardSources = { ...richSources, widgets: { status: 'missing', reason: 'offers circuit open' } };
    const result = composeDashboard(sources, richPreferences(), NOW);
    expect(result.sections.widgets).toEqual({
      freshness: { asOf: null, stale: true, reason: 'offers circuit open' },
      sort: 'custom',
      pinned: [],
      defaultOrder: [],
      items: [],
    });
  });

  it('sorts accounts by balance and by opening date, and partners by category', () => {
    const prefs = richPreferences();
    prefs.sections.accounts = { sort: 'balance_desc', order: [], hidden: [], pinned: [] };
    prefs.sections.partners = { sort: 'category', order: [], hidden: [], pinned: [] };
    const byBalance = composeDashboard(richSources, prefs, NOW);
    expect(idsOf(byBalance, 'accounts')).toEqual([
      'acc-savings',
      'acc-giro',
      'acc-usd',
      'acc-new',
      'acc-old',
      'acc-card',
    ]);
    expect(byBalance.sections.partners.items.map((p) => p.category)).toEqual([
      'energy',
      'insurance',
      'media',
      'mobility',
    ]);
    prefs.sections.accounts.sort = 'opened_desc';
    expect(idsOf(composeDashboard(richSources, prefs, NOW), 'accounts')).toEqual([
      'acc-new',
      'acc-usd',
      'acc-card',
      'acc-savings',
      'acc-giro',
      'acc-old',
    ]);
  });

  it('orders widgets by priority, for sort mode priority and for custom without an order', () => {
    const prefs = defaultPreferences('u');
    const byDefault = idsOf(composeDashboard(richSources, prefs, NOW), 'widgets');
    expect(byDefault).toEqual([
      'w-header',
      'w-card-loan',
      'w-grid-insurance',
      'w-live-stocks',
      'w-story',
      'w-chart',
      'w-info-tip',
    ]);
    prefs.sections.widgets.sort = 'priority';
    prefs.sections.widgets.order = ['w-info-tip'];
    expect(idsOf(composeDashboard(richSources, prefs, NOW), 'widgets')).toEqual(byDefault);
  });

  it('breaks ties in names by id, whatever the input order', () => {
    const twin = (id: string) => ({ id, name: 'Konto', category: 'energy', logo: 'https://cdn.example.com/l.png' });
    const prefs = defaultPreferences('u');
    prefs.sections.partners.sort = 'alphabetical';
    const forward = composeDashboard(
      { ...richSources, partners: { status: 'fresh', asOf: NOW, items: [twin('b'), twin('a')] } },
      prefs,
      NOW,
    );
    expect(forward.sections.partners.items.map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('refuses an invalid now or version: a caller bug, not user input', () => {
    expect(() => composeDashboard(richSources, richPreferences(), 'yesterday')).toThrow(DashboardCoreError);
    expect(() => composeDashboard(richSources, richPreferences(), NOW, { version: -1 })).toThrowError(
      expect.objectContaining({ code: 'CORE_INVALID_ARGUMENT' }),
    );
  });
});

describe('composeDashboard: properties', () => {
  const compose = (sources: DashboardSources, prefs: Preferences) => composeDashboard(sources, prefs, NOW);

  it('shows every visible item exactly once and never a hidden one', () => {
    fc.assert(
      fc.property(sourcesArb, preferencesArb, (sources, prefs) => {
        const dashboard = compose(sources, prefs);
        for (const section of SECTIONS) {
          const shown = idsOf(dashboard, section);
          const hidden = new Set(prefs.sections[section].hidden);
          const expected = new Set(sourceIds(sources, section).filter((id) => !hidden.has(id)));
          expect(shown.length).toBe(new Set(shown).size);
          expect(new Set(shown)).toEqual(expected);
          expect(shown.some((id) => hidden.has(id))).toBe(false);
          expect([...dashboard.sections[section].defaultOrder].sort()).toEqual([...shown].sort());
        }
      }),
    );
  });

  it('does not depend on the order of source items or of object keys', () => {
    fc.assert(
      fc.property(sourcesArb, preferencesArb, permutationArb, (sources, prefs, permutation) => {
        const expected = JSON.stringify(compose(sources, prefs));
        expect(JSON.stringify(compose(scrambleSources(sources, permutation), prefs))).toBe(expected);
        expect(JSON.stringify(compose(sources, prefs))).toBe(expected);
      }),
    );
  });

  it('leads with the visible pinned items, in pin order', () => {
    fc.assert(
      fc.property(sourcesArb, preferencesArb, (sources, prefs) => {
        const dashboard = compose(sources, prefs);
        for (const section of SECTIONS) {
          const present = new Set(idsOf(dashboard, section));
          const pinned = prefs.sections[section].pinned.filter((id) => present.has(id));
          expect(idsOf(dashboard, section).slice(0, pinned.length)).toEqual(pinned);
          expect(dashboard.sections[section].pinned).toEqual(pinned);
        }
      }),
    );
  });

  it('respects the custom order for the items it names and ignores names that are gone', () => {
    fc.assert(
      fc.property(sourcesArb, preferencesArb, (sources, prefs) => {
        const dashboard = compose(sources, prefs);
        for (const section of SECTIONS) {
          const { sort, order, pinned } = prefs.sections[section];
          if (sort !== 'custom') continue;
          const shown = idsOf(dashboard, section);
          const present = new Set(shown);
          const named = order.filter((id) => present.has(id) && !pinned.includes(id));
          expect(isSubsequence(named, shown)).toBe(true);
        }
      }),
    );
  });

  it('puts unnamed items where the default order has them: a default-ordered list stays default-ordered', () => {
    fc.assert(
      fc.property(sourcesArb, fc.integer({ min: 0, max: 12 }), (sources, keep) => {
        const base = compose(sources, defaultPreferences('u'));
        // The user saved the default order of a few items; more items arrived since.
        const prefs = defaultPreferences('u');
        for (const section of SECTIONS)
          prefs.sections[section].order = base.sections[section].defaultOrder.filter((_, i) => i % (keep + 1) === 0);
        const later = compose(sources, prefs);
        for (const section of SECTIONS) expect(idsOf(later, section)).toEqual(base.sections[section].defaultOrder);
      }),
    );
  });

  it('marks every stale or missing source and only those', () => {
    fc.assert(
      fc.property(sourcesArb, preferencesArb, (sources, prefs) => {
        const dashboard = compose(sources, prefs);
        for (const section of SECTIONS) {
          const source = sources[section];
          const { freshness } = dashboard.sections[section];
          expect(freshness.stale).toBe(source.status !== 'fresh');
          expect(freshness.reason).toBe(source.status === 'fresh' ? null : source.reason);
          if (source.status === 'missing') expect(idsOf(dashboard, section)).toEqual([]);
        }
      }),
    );
  });
});
