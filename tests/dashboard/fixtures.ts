import type { Account, DashboardSources, Partner, Preferences, Widget } from '../../dashboard/index.js';
import { defaultPreferences } from '../../dashboard/index.js';

/** A rich, realistic input: every rule of composition and rendering has something to act on. */
export const NOW = '2025-03-14T09:30:00.000Z';

export const accounts: Account[] = [
  {
    id: 'acc-giro',
    name: 'Girokonto',
    type: 'current',
    balance: { amount: 2450.17, currency: 'EUR' },
    maskedIban: 'DE89 **** **** **** **30 00',
    openedAt: '2012-04-01T00:00:00Z',
  },
  {
    id: 'acc-savings',
    name: 'Tagesgeld',
    type: 'savings',
    balance: { amount: 15000, currency: 'EUR' },
    maskedIban: 'DE12 **** **** **** **11 22',
    openedAt: '2015-06-15T00:00:00Z',
  },
  {
    id: 'acc-card',
    name: 'Kreditkarte',
    type: 'credit_card',
    balance: { amount: -312.4, currency: 'EUR' },
    maskedIban: 'DE44 **** **** **** **55 66',
    openedAt: '2018-01-10T00:00:00Z',
  },
  {
    id: 'acc-usd',
    name: 'Dollarkonto',
    type: 'current',
    balance: { amount: 980, currency: 'USD' },
    maskedIban: 'DE77 **** **** **** **88 99',
    openedAt: '2020-09-01T00:00:00Z',
  },
  {
    id: 'acc-old',
    name: 'Altes Sparbuch',
    type: 'savings',
    balance: { amount: 12.5, currency: 'EUR' },
    maskedIban: 'DE33 **** **** **** **44 55',
    openedAt: '2001-01-01T00:00:00Z',
  },
  // Opened after the user last arranged the order: must merge in at its default position.
  {
    id: 'acc-new',
    name: 'Ärztekonto',
    type: 'deposit',
    balance: { amount: 500, currency: 'EUR' },
    maskedIban: 'DE66 **** **** **** **77 88',
    openedAt: '2025-03-01T00:00:00Z',
  },
];

export const partners: Partner[] = [
  { id: 'p-allianz', name: 'Allianz', category: 'insurance', logo: 'https://cdn.example.com/logos/allianz.png' },
  { id: 'p-oeko', name: 'Ökostrom Nord', category: 'energy', logo: 'https://cdn.example.com/logos/oeko.png' },
  { id: 'p-bahn', name: 'Bahn Bonus', category: 'mobility', logo: 'https://cdn.example.com/logos/bahn.png' },
  { id: 'p-zeit', name: 'Zeitung+', category: 'media', logo: 'https://cdn.example.com/logos/zeit.png' },
];

export const widgets: Widget[] = [
  { widget_id: 'w-header', component_type: 'SectionHeader', priority: 900, data: { title: 'Für Sie' } },
  {
    widget_id: 'w-card-loan',
    component_type: 'Card',
    priority: 500,
    data: {
      title: 'Wunschkredit',
      subtitle: 'ab 3,99 % eff. Jahreszins',
      image_url: 'https://cdn.example.com/img/loan.png',
      pricing: { price: 3.99, currency: 'EUR', frequency: 'monthly' },
      cta: { label: 'Jetzt berechnen', url: 'https://bank.example.com/kredit' },
    },
  },
  {
    widget_id: 'w-grid-insurance',
    component_type: 'ProductGrid',
    priority: 400,
    data: { title: 'Versicherungen', rating: { score: 4.6, count: 1289 }, attributes: { columns: 2 } },
    fallback: { component_type: 'Card', data: { title: 'Versicherungen entdecken', subtitle: '3 Angebote für Sie' } },
  },
  {
    widget_id: 'w-live-stocks',
    component_type: 'InfoBox',
    priority: 300,
    data: { title: 'Depot live', content: 'Ihr Depot in Echtzeit' },
    requires: ['liveUpdates'],
    fallback: { component_type: 'InfoBox', data: { title: 'Depot', content: 'Stand von heute Morgen' } },
  },
  // A type shipped after every app in the matrix: only the generic fallback can show it.
  {
    widget_id: 'w-story',
    component_type: 'StoryCarousel',
    priority: 200,
    data: { title: 'Neu: Sparziele', subtitle: 'In 3 Schritten' },
  },
  // Unknown type, no fallback, no title: nothing any app can show, so it is dropped.
  { widget_id: 'w-chart', component_type: 'SpendingChart', priority: 150, data: { attributes: { period: 'month' } } },
  {
    widget_id: 'w-info-tip',
    component_type: 'InfoBox',
    priority: 100,
    data: { title: 'Tipp', content: 'Aktivieren Sie Push-TAN.' },
  },
];

export const richSources: DashboardSources = {
  accounts: { status: 'fresh', asOf: '2025-03-14T09:29:58.000Z', items: accounts },
  partners: {
    status: 'stale',
    asOf: '2025-03-14T08:00:00.000Z',
    items: partners,
    reason: 'partners service timed out',
  },
  widgets: { status: 'fresh', asOf: '2025-03-14T09:29:59.000Z', items: widgets },
};

export function richPreferences(): Preferences {
  const preferences = defaultPreferences('user-4711');
  return {
    ...preferences,
    version: 7,
    updatedAt: '2025-02-01T12:00:00.000Z',
    layout: 'grid',
    sections: {
      // "acc-gone" was closed since: ignored. "acc-new" is not named: merges in by its default position.
      accounts: {
        sort: 'custom',
        order: ['acc-usd', 'acc-giro', 'acc-gone', 'acc-card', 'acc-savings'],
        hidden: ['acc-old'],
        pinned: ['acc-savings'],
      },
      partners: { sort: 'alphabetical', order: [], hidden: ['p-zeit'], pinned: [] },
      widgets: { sort: 'custom', order: ['w-info-tip', 'w-card-loan'], hidden: [], pinned: ['w-header'] },
    },
    widgetSettings: { 'w-live-stocks': { period: '1d', showChart: true } },
  };
}
