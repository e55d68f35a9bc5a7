import { describe, expect, it } from 'vitest';
import { createDashboardBuilder } from '../../activities/build-dashboard.js';
import { emptyView } from '../support/fixtures.js';
import { builderStandIns } from './builder-stand-ins.js';

// What a retry of an unsettled build does: a pure decision of the builder.
const viewAt = (version: number) => emptyView('u-1', version);

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
