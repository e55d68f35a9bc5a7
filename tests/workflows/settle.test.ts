import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTLE_WITHIN_MS, afterBuild, nextTry, settleCap } from '../../workflows/settle.js';

// The backoff of builds that fell short (pure; inside a workflow the clock is the history's).
describe('settling builds that fell short', () => {
  afterEach(() => vi.useRealTimers());

  it('waits 2, 4, 8 s, then the cap, and gives up a day after the first shortfall', () => {
    vi.useFakeTimers({ now: 0 });
    let settling = afterBuild(undefined, true);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const retry = nextTry(settling, settleCap(true));
      if (!retry) break;
      delays.push(retry.delayMs);
      settling = retry.next;
    }
    expect(delays).toEqual([2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(nextTry(settling, settleCap(false))?.delayMs).toBe(20_000);
    vi.setSystemTime(SETTLE_WITHIN_MS);
    expect(nextTry(settling, settleCap(true))).toBeUndefined();
  });

  it('stops settling once a build did not fall short', () => {
    expect(afterBuild({ since: 0, retries: 3 }, false)).toBeUndefined();
    expect(nextTry(undefined, settleCap(true))).toBeUndefined();
  });
});
