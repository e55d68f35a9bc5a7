import { describe, expect, it } from 'vitest';
import { createDashboardBuilder } from '../../activities/build-dashboard.js';
import { builderStandIns } from './builder-stand-ins.js';

// Which builds a worker process starts while a person waits: pure scheduling in the builder.
const standIns = () => builderStandIns();

describe('build priority', () => {
  it('starts no batch build while an interactive build is in progress, and resumes when it ends', async () => {
    const { deps, calls, release } = standIns();
    const builder = createDashboardBuilder(deps, { concurrency: 1 });
    const interactive = builder.build({ userId: 'slow-miss', trigger: 'miss' });
    await new Promise((r) => setTimeout(r, 20));
    const batch = builder.buildMany([
      { userId: 'b-1', trigger: 'event' },
      { userId: 'b-2', trigger: 'event' },
    ]);
    await new Promise((r) => setTimeout(r, 200));
    expect(calls.filter((c) => c.endsWith(':b-1'))).toEqual([]);

    release();
    expect((await interactive).view.userId).toBe('slow-miss');
    expect(await batch).toEqual({ built: 2, unchanged: 0, failures: [], unsettled: [] });
    expect(calls.filter((c) => c.startsWith('accounts:'))).toEqual([
      'accounts:slow-miss',
      'accounts:b-1',
      'accounts:b-2',
    ]);
  });

  it('lets batch builds go ahead after a bounded wait when interactive builds never end', async () => {
    const { deps, release } = standIns();
    const builder = createDashboardBuilder(deps, { concurrency: 1 });
    const stuck = builder.build({ userId: 'slow-stuck', trigger: 'miss' });
    try {
      const started = Date.now();
      expect(await builder.buildMany([{ userId: 'b-3', trigger: 'event' }])).toEqual({
        built: 1,
        unchanged: 0,
        failures: [],
        unsettled: [],
      });
      // The wait is bounded (two seconds), not tied to the stuck build.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      release();
      await stuck;
    }
  });
});
