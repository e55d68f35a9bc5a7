import fc from 'fast-check';
import type {
  Account,
  ClientProfile,
  DashboardSources,
  Partner,
  Preferences,
  SourceResult,
  Widget,
} from '../../dashboard/index.js';
import {
  ACCOUNT_SORT_MODES,
  LAYOUTS,
  PARTNER_SORT_MODES,
  SECTION_NAMES,
  WIDGET_SORT_MODES,
} from '../../dashboard/index.js';
import { allClientProfiles } from '../../config/capability-matrix.js';

// Small id pools, so preferences often name ids that exist and sometimes ids that are gone.
const pool = (prefix: string, size: number) => Array.from({ length: size }, (_, i) => `${prefix}-${i}`);
export const ACCOUNT_IDS = pool('acc', 10);
export const PARTNER_IDS = pool('par', 8);
export const WIDGET_IDS = pool('wid', 10);

// Names that exercise the collator: case, umlauts, numbers, equal names with different ids.
const names = fc.constantFrom(
  'Girokonto',
  'girokonto',
  'Ärztekonto',
  'Zinskonto',
  'Konto 2',
  'Konto 10',
  'Öko',
  'Oma',
  'Äpfel',
  'Apfel',
);
const isoTime = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

export const accountArb: fc.Arbitrary<Account> = fc.record({
  id: fc.constantFrom(...ACCOUNT_IDS),
  name: names,
  type: fc.constantFrom('current', 'savings', 'credit_card', 'deposit', 'loan', 'investment'),
  balance: fc.record({
    amount: fc.integer({ min: -5000, max: 5000 }).map((n) => n / 4),
    currency: fc.constantFrom('EUR', 'USD'),
  }),
  maskedIban: fc.constant('DE89 **** **** **** **30 00'),
  openedAt: fc.constantFrom(
    '2010-01-01T00:00:00Z',
    '2015-05-05T12:00:00Z',
    '2015-05-05T12:00:00.000Z',
    '2020-02-02T00:00:00+02:00',
  ),
});

export const partnerArb: fc.Arbitrary<Partner> = fc.record({
  id: fc.constantFrom(...PARTNER_IDS),
  name: names,
  category: fc.constantFrom('insurance', 'energy', 'mobility'),
  logo: fc.constant('https://cdn.example.com/logo.png'),
});

export const COMPONENT_POOL = ['Card', 'InfoBox', 'ProductGrid', 'SectionHeader', 'StoryCarousel'];
const CAPABILITY_POOL = ['customLayout', 'advancedOrdering', 'liveUpdates', 'holograms'];
const widgetData = fc.record(
  {
    title: names,
    subtitle: fc.constant('Sub'),
    content: fc.constant('Text'),
    image_url: fc.constant('https://cdn.example.com/i.png'),
  },
  { requiredKeys: [] },
);

export const widgetArb: fc.Arbitrary<Widget> = fc.record(
  {
    widget_id: fc.constantFrom(...WIDGET_IDS),
    component_type: fc.constantFrom(...COMPONENT_POOL),
    priority: fc.integer({ min: 0, max: 5 }),
    data: widgetData,
    requires: fc.subarray(CAPABILITY_POOL),
    fallback: fc.record({ component_type: fc.constantFrom(...COMPONENT_POOL), data: widgetData }),
  },
  { requiredKeys: ['widget_id', 'component_type', 'priority', 'data'] },
);

// Duplicated ids are allowed on purpose: composition must still show each item once.
function sourceArb<T>(item: fc.Arbitrary<T>): fc.Arbitrary<SourceResult<T>> {
  const items = fc.array(item, { maxLength: 12 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ status: fc.constant('fresh' as const), asOf: isoTime, items }) },
    {
      weight: 1,
      arbitrary: fc.record({
        status: fc.constant('stale' as const),
        asOf: isoTime,
        items,
        reason: fc.constant('timeout'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ status: fc.constant('missing' as const), reason: fc.constant('circuit open') }),
    },
  );
}

export const sourcesArb: fc.Arbitrary<DashboardSources> = fc.record({
  accounts: sourceArb(accountArb),
  partners: sourceArb(partnerArb),
  widgets: sourceArb(widgetArb),
});

function sectionPrefsArb<Mode extends string>(modes: readonly Mode[], ids: string[]) {
  const known = [...ids, 'gone-1', 'gone-2'];
  const list = fc.uniqueArray(fc.constantFrom(...known), { maxLength: known.length });
  return fc.record({ sort: fc.constantFrom(...modes), order: list, hidden: list, pinned: list });
}

export const preferencesArb: fc.Arbitrary<Preferences> = fc.record({
  userId: fc.constant('user-1'),
  version: fc.nat({ max: 100 }),
  updatedAt: fc.constant(null),
  layout: fc.constantFrom(...LAYOUTS),
  sections: fc.record({
    accounts: sectionPrefsArb(ACCOUNT_SORT_MODES, ACCOUNT_IDS),
    partners: sectionPrefsArb(PARTNER_SORT_MODES, PARTNER_IDS),
    widgets: sectionPrefsArb(WIDGET_SORT_MODES, WIDGET_IDS),
  }),
  widgetSettings: fc.constant({}),
});

/** Any profile a (valid) matrix could define, plus the deployed ones. */
export const profileArb: fc.Arbitrary<ClientProfile> = fc.oneof(
  fc.constantFrom(...allClientProfiles()),
  fc
    .record({
      sections: fc.subarray([...SECTION_NAMES]),
      componentTypes: fc.subarray(COMPONENT_POOL),
      layouts: fc.subarray(['grid', 'compact'] as const).map((extra) => ['list' as const, ...extra]),
      features: fc.record({ customLayout: fc.boolean(), advancedOrdering: fc.boolean(), liveUpdates: fc.boolean() }),
      fallbackPick: fc.nat(),
    })
    .map(({ fallbackPick, ...rest }) => ({
      key: 'random',
      platform: 'unknown' as const,
      major: 9,
      ...rest,
      genericFallback:
        rest.componentTypes.length === 0 || fallbackPick % 3 === 0
          ? null
          : (rest.componentTypes[fallbackPick % rest.componentTypes.length] ?? null),
    })),
);
