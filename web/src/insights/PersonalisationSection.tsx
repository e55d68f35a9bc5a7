import type { InsightsQuery, PersonalisationInsights } from '../api/schemas';
import { useServices } from '../app/services';
import { formatFigure } from './figures';
import { InsightChart } from './InsightChart';
import { InsightSection } from './InsightSection';
import {
  customOrderPerVersion,
  customOrderSeries,
  layoutRows,
  rankedItems,
  sortSeries,
  sortsPerSection,
  USERS_SERIES,
} from './personalisation';
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
      isEmpty={(insights: PersonalisationInsights) => insights.users === 0}
    >
      {(insights) => (
        <>
          <p>
            {formatFigure(insights.users, 'count')} {insights.users === 1 ? 'user' : 'users'} changed their preferences
            in these days (each counted once a day).
          </p>
          <InsightChart
            title="Sort modes chosen per section"
            kind="bars"
            rowHeading="Section"
            rows={sortsPerSection(insights)}
            series={sortSeries(insights)}
          />
          <InsightChart
            title="Users with a custom order, per app version"
            kind="bars"
            rowHeading="App version"
            rows={customOrderPerVersion(insights)}
            series={customOrderSeries(insights)}
          />
          <InsightChart
            title="Layouts chosen"
            kind="ranked-bars"
            rowHeading="Layout"
            rows={layoutRows(insights)}
            series={USERS_SERIES}
          />
          <InsightChart
            title="Most hidden items"
            kind="ranked-bars"
            rowHeading="Item"
            rows={rankedItems(insights.topHidden)}
            series={USERS_SERIES}
          />
          <InsightChart
            title="Most pinned items"
            kind="ranked-bars"
            rowHeading="Item"
            rows={rankedItems(insights.topPinned)}
            series={USERS_SERIES}
          />
        </>
      )}
    </InsightSection>
  );
}
