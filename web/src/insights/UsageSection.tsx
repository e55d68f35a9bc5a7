import type { InsightsQuery, UsageInsights } from '../api/schemas';
import { useServices } from '../app/services';
import { daysOf } from './filters';
import { withFigures } from './figures';
import { InsightChart } from './InsightChart';
import { InsightSection } from './InsightSection';
import { useInsight } from './useInsight';
import {
  HIT_RATIO_SERIES,
  LATENCY_SERIES,
  OPENS_SERIES,
  VERSION_SERIES,
  hitRatioPerDay,
  latencyPerDay,
  opensPerDay,
  opensPerVersion,
} from './usage';

export const OPENS_TITLE = 'Dashboard opens and distinct users per day';

/** How often dashboards are opened, by whom, how fast they are served, and from which app versions. */
export function UsageSection({ query }: { query: InsightsQuery }) {
  const { api } = useServices();
  const { result, retry } = useInsight(api.usageInsights, query);
  return (
    <InsightSection
      title="Dashboard usage"
      loaded={result}
      retry={retry}
      isEmpty={(usage: UsageInsights) => usage.days.every((d) => d.opens === 0) && usage.versions.length === 0}
    >
      {(usage) => {
        const days = daysOf(query);
        const latency = latencyPerDay(usage, days);
        return (
          <>
            <InsightChart
              title={OPENS_TITLE}
              kind="line"
              rowHeading="Day"
              rows={opensPerDay(usage, days)}
              series={OPENS_SERIES}
            />
            <InsightChart
              title="Server time per day by source (p50 and p95)"
              kind="line"
              rowHeading="Day"
              rows={latency}
              series={withFigures(LATENCY_SERIES, latency)}
            />
            <InsightChart
              title="Cache hit ratio per day (share of opens served from the cache)"
              kind="line"
              rowHeading="Day"
              rows={hitRatioPerDay(usage, days)}
              series={HIT_RATIO_SERIES}
            />
            <InsightChart
              title="Opens per app version"
              kind="ranked-bars"
              rowHeading="App version"
              rows={opensPerVersion(usage)}
              series={VERSION_SERIES}
            />
          </>
        );
      }}
    </InsightSection>
  );
}
