import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType, type ChangePreferencesInput } from '../../workflows/definitions.js';
import { account } from '../support/fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { unique } from '../support/unique.js';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

const patch = (userId: string, expectedVersion: number, order: string[], requestKey = unique('req')): ChangePreferencesInput => ({
  userId,
  requestKey,
  expectedVersion,
  change: { kind: 'patch', patch: { sections: { accounts: { sort: 'custom', order } } } },
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  // A refusal reaches the first caller as the 'applied' update's failure, and a later one as the run's.
  expect(error instanceof WorkflowUpdateFailedError || error instanceof WorkflowFailedError).toBe(true);
  const cause = (error as WorkflowUpdateFailedError | WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('changePreferences', () => {
  it('applies a change on top of the version the caller saw, records history and rebuilds', async () => {
    const userId = unique('u');
    platform.domain.setItems('accounts', userId, [account('a', 'Alpha'), account('b', 'Beta')]);
    const result = await platform.workflows.changePreferences(patch(userId, 0, ['b', 'a']), 30_000);

    expect(result).toMatchObject({ version: 1, changed: true });
    expect((await platform.deps.preferences.load(userId)).sections.accounts.order).toEqual(['b', 'a']);
    expect((await platform.deps.preferences.history(userId, 10)).entries.map((e) => e.version)).toEqual([1]);
    // The rebuild it triggers puts Beta first.
    await expect.poll(async () => (await platform.deps.views.load(userId))?.sections.accounts.items.map((a) => a.id), { timeout: 20_000 }).toEqual(['b', 'a']);
  });

  it('refuses a change made on an old version with a named conflict carrying the current version', async () => {
    const userId = unique('u');
    await platform.workflows.changePreferences(patch(userId, 0, ['x']), 30_000);
    const failure = await failureOf(platform.workflows.changePreferences(patch(userId, 0, ['y']), 30_000));

    expect(failure.type).toBe(ErrorType.PreferencesVersionConflict);
    expect(failure.details).toEqual([{ currentVersion: 1 }]);
    expect((await platform.deps.preferences.load(userId)).sections.accounts.order).toEqual(['x']);
  });

  it('applies the same request key once, however often and however concurrently it is sent', async () => {
    const userId = unique('u');
    const input = patch(userId, 0, ['a', 'b'], 'device-1-edit-7');
    const results = await Promise.all([1, 2, 3].map(() => platform.workflows.changePreferences(input, 30_000)));
    const again = await platform.workflows.changePreferences(input, 30_000);

    for (const result of [...results, again]) expect(result.version).toBe(1);
    expect((await platform.deps.preferences.load(userId)).version).toBe(1);
    expect((await platform.deps.preferences.history(userId, 10)).entries).toHaveLength(1);
  });

  it('rejects an invalid change with the validation errors', async () => {
    const userId = unique('u');
    const failure = await failureOf(
      platform.workflows.changePreferences({ userId, requestKey: unique('req'), expectedVersion: 0, change: { kind: 'patch', patch: { layout: 'carousel' } } }, 30_000),
    );
    expect(failure.type).toBe(ErrorType.PreferencesValidation);
    expect(JSON.stringify(failure.details)).toContain('/layout');
  });

  it('restores an earlier version as a new version', async () => {
    const userId = unique('u');
    await platform.workflows.changePreferences(patch(userId, 0, ['a', 'b']), 30_000);
    await platform.workflows.changePreferences(patch(userId, 1, ['b', 'a']), 30_000);
    const restored = await platform.workflows.changePreferences({ userId, requestKey: unique('req'), expectedVersion: 2, change: { kind: 'restore', version: 1 } }, 30_000);

    expect(restored.version).toBe(3);
    expect(restored.preferences.sections.accounts.order).toEqual(['a', 'b']);
    expect((await platform.deps.preferences.history(userId, 10)).entries.map((e) => e.version)).toEqual([3, 2, 1]);

    const missing = await failureOf(platform.workflows.changePreferences({ userId, requestKey: unique('req'), expectedVersion: 3, change: { kind: 'restore', version: 42 } }, 30_000));
    expect(missing.type).toBe(ErrorType.PreferencesVersionNotFound);
  });
});
