import type { InsightsQuery, RebuildInsights } from '../api/schemas';
import { useServices } from '../app/services';
import { withFigures } from './figures';
import { daysOf } from './filters';
import { InsightChart } from './InsightChart';
import { InsightSection } from './InsightSection';
import { LAG_SERIES, TRIGGER_SERIES, lagP95PerDay, rebuildsPerDay } from './rebuilds';
import { useInsight } from './useInsight';

/** How often dashboards were rebuilt and why, and how long a change took to reach the dashboard. */
export function RebuildsSection({ query }: { query: InsightsQuery }) {
  const { api } = useServices();
  const { result, retry } = useInsight(api.rebuildInsights, query);
  return (
    <InsightSection
      title="Rebuilds"
      loaded={result}
      retry={retry}
      // A rebuild serves every platform's dashboard at once, so it has no platform to filter by.
      note={query.platform === undefined ? undefined : 'Rebuilds are counted for all platforms.'}
      isEmpty={(insights: RebuildInsights) => insights.days.every((d) => d.rebuilds === 0 && d.failures === 0)}
    >
      {(insights) => {
        const days = daysOf(query);
        const lag = lagP95PerDay(insights, days);
        return (
          <>
            <InsightChart
              title="Rebuilds per day by trigger"
              kind="stacked-bars"
              rowHeading="Day"
              rows={rebuildsPerDay(insights, days)}
              series={TRIGGER_SERIES}
            />
            <InsightChart
              title="Rebuilds that gave up per day by trigger"
              kind="stacked-bars"
              rowHeading="Day"
              rows={rebuildsPerDay(insights, days, 'failures')}
              series={TRIGGER_SERIES}
            />
            <InsightChart
              title="Lag from change to dashboard per day (p95, by trigger)"
              kind="line"
              rowHeading="Day"
              rows={lag}
              series={withFigures(LAG_SERIES, lag)}
            />
          </>
        );
      }}
    </InsightSection>
  );
}
