import type { InsightsQuery, OfferInsights } from '../api/schemas';
import { useServices } from '../app/services';
import { InsightChart } from './InsightChart';
import { InsightSection } from './InsightSection';
import { FUNNEL_SERIES, offerFunnel } from './offers';
import { useInsight } from './useInsight';

/** Each offer's funnel: how many people saw it on their dashboard, how many bought, and the conversion. */
export function OffersSection({ query }: { query: InsightsQuery }) {
  const { api } = useServices();
  const { result, retry } = useInsight(api.offerInsights, query);
  return (
    <InsightSection
      title="Offers"
      loaded={result}
      retry={retry}
      isEmpty={(insights: OfferInsights) => insights.offers.length === 0}
    >
      {(insights) => (
        <InsightChart
          title="Offer funnel: users shown each offer and purchases"
          kind="bars"
          rowHeading="Offer"
          rows={offerFunnel(insights)}
          series={FUNNEL_SERIES}
        />
      )}
    </InsightSection>
  );
}
