import { describe, expect, it } from 'vitest';
import { createDashboardBuilder } from '../../activities/build-dashboard.js';
import { composeDashboard, defaultPreferences } from '../../dashboard/index.js';
import { builderStandIns } from './builder-stand-ins.js';

// What a retry of an unsettled build does: a pure decision of the builder.
const viewAt = (version: number) =>
  composeDashboard(
    {
      accounts: { status: 'missing', reason: 'x' },
      partners: { status: 'missing', reason: 'x' },
      widgets: { status: 'missing', reason: 'x' },
    },
    defaultPreferences('u-1'),
    '2026-01-01T00:00:00.000Z',
    { version },
  );

describe('a retry of an unsettled build', () => {
  it('does nothing when a newer view was stored meanwhile: that build owns the rest', async () => {
    const { deps, calls } = builderStandIns(viewAt(20));
    const result = await createDashboardBuilder(deps).buildMany([{ userId: 'u-1', trigger: 'event', retryOf: 10 }]);
    expect(result).toEqual({ built: 0, unchanged: 1, failures: [], unsettled: [] });
    expect(calls).toEqual([]);
  });

  it('builds again when the view is still the one it retries', async () => {
    const { deps, calls } = builderStandIns(viewAt(10));
    const result = await createDashboardBuilder(deps).buildMany([{ userId: 'u-1', trigger: 'event', retryOf: 10 }]);
    expect(result).toMatchObject({ built: 1, failures: [], unsettled: [] });
    expect(calls).toHaveLength(4);
  });
});
