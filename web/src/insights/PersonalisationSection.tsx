import type { InsightsQuery, PersonalisationInsights } from '../api/schemas';
import { useServices } from '../app/services';
import { formatFigure } from './figures';
import { InsightChart } from './InsightChart';
import { InsightSection } from './InsightSection';
import { CHANGES_SERIES, layoutRows, rankedItems, sortSeries, sortsPerSection } from './personalisation';
import { useInsight } from './useInsight';

/** What people change about their dashboards: sort modes, layouts, and the items they hide and pin. */
export function PersonalisationSection({ query }: { query: InsightsQuery }) {
  const { api } = useServices();
  const { result, retry } = useInsight(api.personalisationInsights, query);
  return (
    <InsightSection
      title="Personalisation"
      loaded={result}
      retry={retry}
      isEmpty={(insights: PersonalisationInsights) => insights.changes === 0}
    >
      {(insights) => (
        <>
          <p>{formatFigure(insights.changes, 'count')} preference changes in these days.</p>
          <InsightChart
            title="Sort modes chosen per section"
            kind="bars"
            rowHeading="Section"
            rows={sortsPerSection(insights)}
            series={sortSeries(insights)}
          />
          <InsightChart
            title="Layouts chosen"
            kind="ranked-bars"
            rowHeading="Layout"
            rows={layoutRows(insights)}
            series={CHANGES_SERIES}
          />
          <InsightChart
            title="Most hidden items"
            kind="ranked-bars"
            rowHeading="Item"
            rows={rankedItems(insights.topHidden)}
            series={CHANGES_SERIES}
          />
          <InsightChart
            title="Most pinned items"
            kind="ranked-bars"
            rowHeading="Item"
            rows={rankedItems(insights.topPinned)}
            series={CHANGES_SERIES}
          />
        </>
      )}
    </InsightSection>
  );
}
