import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError, withTimeout } from '../../api/with-timeout.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout', () => {
  it("answers with the call's own value or error, and leaves no timer behind", async () => {
    await expect(withTimeout(Promise.resolve('entry'), 500, 'dashboard cache')).resolves.toBe('entry');
    await expect(withTimeout(Promise.reject(new Error('refused')), 500, 'dashboard cache')).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up after the deadline with a TimeoutError naming what did not answer', async () => {
    const waiting = withTimeout(new Promise<never>(() => {}), 500, 'dashboard cache');
    const outcome = waiting.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(499);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: 'TimeoutError', message: 'dashboard cache did not answer within 500 ms' });
  });

  it('handles the late rejection of a call it stopped waiting for (no unhandled rejection)', async () => {
    // Real timers: an unhandled rejection is reported only after the event loop turns.
    vi.useRealTimers();
    let fail!: (error: Error) => void;
    const late = new Promise<never>((_, reject) => (fail = reject));
    expect(await withTimeout(late, 10, 'view store').catch((error: unknown) => error)).toBeInstanceOf(TimeoutError);
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      fail(new Error('too late'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
