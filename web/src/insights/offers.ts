import type { OfferInsights } from '../api/schemas';
import { COLOURS, type FigureRow, type Series } from './figures';

export const FUNNEL_SERIES: readonly Series[] = [
  { key: 'shown', label: 'Shown to (users)', format: 'count', colour: COLOURS.blue },
  { key: 'purchases', label: 'Purchases', format: 'count', colour: COLOURS.green },
  { key: 'conversion', label: 'Conversion', format: 'percent', colour: COLOURS.grey, tableOnly: true },
];

/** Each offer's funnel, most shown first: the offers that matter most lead. */
export function offerFunnel(insights: OfferInsights): FigureRow[] {
  return [...insights.offers]
    .sort((a, b) => b.shownUsers - a.shownUsers)
    .map((o) => ({
      label: o.offerId,
      values: { shown: o.shownUsers, purchases: o.purchases, conversion: o.conversion },
    }));
}
