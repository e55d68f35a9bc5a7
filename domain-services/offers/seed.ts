import type { Widget } from '../../dashboard/index.js';
import { roundMoney, seededRandom, type SeededRandom } from '../shared/prng.js';

const IMAGES = 'https://cdn.bank.example/offers';
const LINKS = 'https://bank.example/offers';

/**
 * Offers as product teams send them: server-driven widgets. Newer component types (ProductGrid,
 * QuoteCalculator) and capability requirements carry a `fallback`, so apps that cannot show them get a
 * plain Card instead of nothing. Prices and ratings vary per user to look like real personalisation.
 */
const OFFER_TEMPLATES: readonly ((r: SeededRandom) => Widget)[] = [
  (r) => ({
    widget_id: 'offer-car-insurance',
    component_type: 'Card',
    priority: 800,
    data: {
      title: 'Car insurance',
      subtitle: 'Comprehensive cover with roadside assistance',
      content: 'Switch in five minutes and keep your no-claims bonus.',
      image_url: `${IMAGES}/car-insurance.png`,
      pricing: { price: roundMoney(r.int(2_900, 8_900) / 100), currency: 'EUR', frequency: 'monthly' },
      rating: { score: r.int(38, 49) / 10, count: r.int(200, 5_000) },
      cta: { label: 'Get a quote', url: `${LINKS}/car-insurance` },
    },
  }),
  (r) => ({
    widget_id: 'offer-health-insurance',
    component_type: 'Card',
    priority: 700,
    data: {
      title: 'Health insurance',
      subtitle: 'Private cover for you and your family',
      image_url: `${IMAGES}/health-insurance.png`,
      pricing: { price: roundMoney(r.int(12_000, 45_000) / 100), currency: 'EUR', frequency: 'monthly' },
      rating: { score: r.int(40, 50) / 10 },
      cta: { label: 'Compare plans', url: `${LINKS}/health-insurance` },
    },
  }),
  (r) => ({
    widget_id: 'offer-home-insurance',
    component_type: 'QuoteCalculator',
    priority: 650,
    requires: ['liveUpdates'],
    data: {
      title: 'Home insurance',
      subtitle: 'Your price updates as you type',
      pricing: { price: roundMoney(r.int(9_000, 40_000) / 100), currency: 'EUR', frequency: 'yearly' },
      attributes: { minCoverage: 50_000, maxCoverage: 1_000_000, step: 10_000 },
      cta: { label: 'Calculate', url: `${LINKS}/home-insurance` },
    },
    fallback: {
      component_type: 'Card',
      data: {
        title: 'Home insurance',
        subtitle: 'Protect your home and belongings',
        pricing: { price: roundMoney(r.int(9_000, 40_000) / 100), currency: 'EUR', frequency: 'yearly' },
        cta: { label: 'Learn more', url: `${LINKS}/home-insurance` },
      },
    },
  }),
  (r) => ({
    widget_id: 'offer-banking-products',
    component_type: 'ProductGrid',
    priority: 600,
    data: {
      title: 'Products for you',
      subtitle: 'Savings, cards and loans',
      content: 'Instant savings at 2.5% · Gold credit card · Personal loan',
      attributes: { products: 3, savingsRate: r.int(200, 350) / 100, loanRate: r.int(390, 790) / 100 },
      cta: { label: 'See all products', url: `${LINKS}/banking` },
    },
    fallback: {
      component_type: 'Card',
      data: {
        title: 'Products for you',
        subtitle: 'Savings, cards and loans',
        cta: { label: 'See all products', url: `${LINKS}/banking` },
      },
    },
  }),
  (r) => ({
    widget_id: 'offer-savings-boost',
    component_type: 'InfoBox',
    priority: 500,
    data: {
      title: 'Boost your savings',
      content: `Put money aside automatically and earn ${r.int(200, 350) / 100}% a year.`,
      cta: { label: 'Start saving', url: `${LINKS}/savings` },
    },
  }),
  (r) => ({
    widget_id: 'offer-travel-card',
    component_type: 'Card',
    priority: 400,
    data: {
      title: 'Travel credit card',
      subtitle: 'No foreign transaction fees',
      image_url: `${IMAGES}/travel-card.png`,
      pricing: { price: r.pick([0, 49, 99]), currency: 'EUR', frequency: 'yearly' },
      rating: { score: r.int(35, 48) / 10 },
    },
  }),
];

/** A user's offers before any write: two to all six templates, the same for the same user everywhere. */
export function seedOffers(userId: string): Widget[] {
  const r = seededRandom(`offers:${userId}`);
  return OFFER_TEMPLATES.flatMap((template, index) => {
    // Every template draws its numbers even when skipped, so one offer's prices do not depend on another's presence.
    const widget = template(r);
    return index < 2 || r.chance(0.6) ? [widget] : [];
  });
}
