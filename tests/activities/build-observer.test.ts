import { describe, expect, it } from 'vitest';
import { createDashboardBuilder, type BuildObserver } from '../../activities/build-dashboard.js';
import { builderStandIns } from './builder-stand-ins.js';

/** What the worker's metrics are told about builds: outcomes, degraded sources, and the update lag. */
function recording() {
  const seen: string[] = [];
  const lags: number[] = [];
  const observer: BuildObserver = {
    built: (path, outcome) => seen.push(`${path}:${outcome}`),
    sourceDegraded: (source, status) => seen.push(`${source}:${status}`),
    updateAnnounced: (lag) => lags.push(lag),
  };
  return { observer, seen, lags };
}

describe('build observer', () => {
  it("reports each batch build's outcome, and how long after its oldest event an event-driven update was announced", async () => {
    const { deps } = builderStandIns();
    const { observer, seen, lags } = recording();
    const builder = createDashboardBuilder({
      ...deps,
      observer,
      views: {
        ...deps.views,
        write: async (view) =>
          view.userId === 'broken' ? Promise.reject(new Error('Cassandra away')) : { written: true },
      },
    });
    const result = await builder.buildMany([
      { userId: 'b-1', trigger: 'event', since: new Date(Date.now() - 2_000).toISOString() },
      { userId: 'b-2', trigger: 'preferences' },
      { userId: 'broken', trigger: 'event', since: new Date().toISOString() },
    ]);
    expect(result.failures.map((f) => f.userId)).toEqual(['broken']);
    expect(seen.sort()).toEqual(['batch:built', 'batch:built', 'batch:failed']);
    // Only the build that answers a dated event and was announced has a lag.
    expect(lags).toHaveLength(1);
    expect(lags[0]).toBeGreaterThanOrEqual(2);
    expect(lags[0]).toBeLessThan(10);
  });

  it('reports an interactive build and the sources it could only show degraded', async () => {
    const { deps } = builderStandIns();
    const { observer, seen } = recording();
    const failing = { ...deps.domain.partners, getItems: () => Promise.reject(new Error('not a domain failure')) };
    const builder = createDashboardBuilder({ ...deps, observer, domain: { ...deps.domain, partners: failing } });
    await expect(builder.build({ userId: 'u-1', trigger: 'miss' })).rejects.toThrow('not a domain failure');
    expect(seen).toEqual(['interactive:failed']);
  });
});
