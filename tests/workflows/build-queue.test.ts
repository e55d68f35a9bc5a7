import { describe, expect, it } from 'vitest';
import type { CanonicalDashboard } from '../../dashboard/index.js';
import { BuildQueue } from '../../workflows/build-queue.js';

/** The rebuild run's bookkeeping on its own: who waits for which build, and what they are told. */
const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const view = (version: number, builtAtMs = T0) =>
  ({ userId: 'u-1', version, builtAt: new Date(builtAtMs).toISOString() }) as CanonicalDashboard;

describe('BuildQueue', () => {
  it('serves every trigger that arrived during a build with one next build, recorded as a miss when someone waits', () => {
    const queue = new BuildQueue([{ trigger: 'event' }]);
    expect(queue.startBuild()).toEqual({ requests: [{ trigger: 'event' }], trigger: 'event' });
    queue.add({ trigger: 'event' });
    queue.add({ trigger: 'preferences' });
    expect(queue.admit({ trigger: 'admin' }, T0)).toEqual({ ticket: 2 });
    queue.buildSucceeded(view(1));
    expect(queue.startBuild()).toEqual({
      requests: [{ trigger: 'event' }, { trigger: 'preferences' }, { trigger: 'admin' }],
      trigger: 'admin',
    });
    expect(queue.hasPending).toBe(false);
    const withMiss = new BuildQueue([{ trigger: 'event' }, { trigger: 'miss' }, { trigger: 'preferences' }]);
    expect(withMiss.startBuild().trigger).toBe('miss');
  });

  it('lets a cache miss join the build under way, while an operator waits for a build that starts after the request', () => {
    const queue = new BuildQueue([{ trigger: 'event' }]);
    queue.startBuild();
    const miss = queue.admit({ trigger: 'miss' }, T0);
    const admin = queue.admit({ trigger: 'admin' }, T0);
    expect(miss).toEqual({ ticket: 1 });
    expect(admin).toEqual({ ticket: 2 });

    queue.buildSucceeded(view(1));
    expect(queue.isAnswered(1)).toBe(true);
    expect(queue.answer(1)).toEqual({ view: view(1) });
    expect(queue.isAnswered(2)).toBe(false);
    queue.startBuild();
    queue.buildSucceeded(view(2));
    expect(queue.answer(2)).toEqual({ view: view(2) });
  });

  it('answers a miss at once with a build finished moments ago, and builds again once that build is older', () => {
    const queue = new BuildQueue([], 2_000);
    queue.add({ trigger: 'event' });
    queue.startBuild();
    queue.buildSucceeded(view(1, T0));
    expect(queue.admit({ trigger: 'miss' }, T0 + 1_999)).toEqual({ view: view(1, T0) });
    expect(queue.hasPending).toBe(false);
    expect(queue.admit({ trigger: 'miss' }, T0 + 2_000)).toEqual({ ticket: 2 });
    expect(queue.hasPending).toBe(true);
    // Operators never take an earlier build.
    expect(queue.admit({ trigger: 'replay' }, T0)).toEqual({ ticket: 2 });
  });

  it("tells a caller its own build's failure, and later callers the next build's result", () => {
    const queue = new BuildQueue();
    const first = queue.admit({ trigger: 'admin' }, T0);
    queue.startBuild();
    const second = queue.admit({ trigger: 'admin' }, T0);
    queue.buildFailed('accounts: answered 503');
    expect(queue.answer(1)).toEqual({ failure: 'accounts: answered 503' });
    expect(first).toEqual({ ticket: 1 });
    expect(second).toEqual({ ticket: 2 });
    queue.startBuild();
    queue.buildSucceeded(view(3));
    expect(queue.answer(2)).toEqual({ view: view(3) });
    expect(queue.status(3)).toEqual({ buildsStarted: 2, buildsCompleted: 1, pending: 0, lastVersion: 3 });
  });

  it('answers everyone waiting with the failure that ended a run from before one-step builds', () => {
    const queue = new BuildQueue();
    queue.admit({ trigger: 'admin' }, T0);
    queue.startBuild();
    const waiting = queue.admit({ trigger: 'admin' }, T0);
    expect('ticket' in waiting && queue.isAnswered(waiting.ticket)).toBe(false);
    queue.runFailed('no source answered');
    expect('ticket' in waiting && queue.answer(waiting.ticket)).toEqual({ failure: 'no source answered' });
  });

  it('carries the requests of a run that continued as new into the first build', () => {
    const queue = new BuildQueue([{ trigger: 'preferences' }]);
    expect(queue.hasPending).toBe(true);
    expect(queue.startBuild().requests).toEqual([{ trigger: 'preferences' }]);
  });
});
