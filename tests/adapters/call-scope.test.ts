import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { createCallScope } from '../../adapters/temporal/call-scope.js';

/**
 * The scope the API runs its Temporal calls in (the client keeps each call's deadline in an
 * AsyncLocalStorage): the storage is turned off only when no call is in flight, so no call loses its
 * context, and a process that serves only cache hits runs with async hooks off.
 */
describe('Temporal call scope', () => {
  it("keeps a call's context across awaits while another call ends, and disables the storage after the last", async () => {
    const storage = new AsyncLocalStorage<{ deadline: number }>();
    const disable = vi.spyOn(storage, 'disable');
    const scope = createCallScope(storage);
    const seen: (number | undefined)[] = [];

    const long = scope.run(() =>
      storage.run({ deadline: 1 }, async () => {
        await sleep(30);
        // The short call has ended by now: its end must not have taken this call's context away.
        seen.push(storage.getStore()?.deadline);
        return 'long';
      }),
    );
    const short = scope.run(() =>
      storage.run({ deadline: 2 }, async () => {
        await sleep(1);
        return 'short';
      }),
    );

    await expect(short).resolves.toBe('short');
    expect(disable).not.toHaveBeenCalled();
    await expect(long).resolves.toBe('long');
    expect(seen).toEqual([1]);
    expect(disable).toHaveBeenCalledTimes(1);

    // The next call enables the storage again and has its own context.
    await scope.run(() => storage.run({ deadline: 3 }, async () => seen.push(storage.getStore()?.deadline)));
    expect(seen).toEqual([1, 3]);
    expect(disable).toHaveBeenCalledTimes(2);
  });

  it('counts a failed call as ended, and passes failures on', async () => {
    const storage = new AsyncLocalStorage<string>();
    const disable = vi.spyOn(storage, 'disable');
    const scope = createCallScope(storage);
    await expect(
      scope.run(() => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await expect(scope.run(() => Promise.reject(new Error('unavailable')))).rejects.toThrow('unavailable');
    expect(disable).toHaveBeenCalledTimes(2);
  });

  it('wraps every method of a port, with its arguments and results', async () => {
    const storage = new AsyncLocalStorage<string>();
    const disable = vi.spyOn(storage, 'disable');
    const wrapped = createCallScope(storage).wrap({
      async describe(userId: string) {
        await sleep(1);
        return `user ${userId}`;
      },
      async fail() {
        throw new Error('not found');
      },
    });
    await expect(wrapped.describe('u-42')).resolves.toBe('user u-42');
    await expect(wrapped.fail()).rejects.toThrow('not found');
    expect(disable).toHaveBeenCalledTimes(2);
  });
});
