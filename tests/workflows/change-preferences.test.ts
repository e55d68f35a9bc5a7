import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PreferenceChangeRefusedError,
  createDashboardWorkflows,
  type PreferenceRefusal,
} from '../../adapters/temporal/dashboard-workflows.js';
import { taskQueues } from '../../config/index.js';
import { preferencesWorkflowId, rebuildWorkflowId, type ChangePreferencesInput } from '../../contract/workflows.js';
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

const patch = (
  userId: string,
  expectedVersion: number,
  order: string[],
  requestKey = unique('req'),
): ChangePreferencesInput => ({
  userId,
  requestKey,
  expectedVersion,
  change: { kind: 'patch', patch: { sections: { accounts: { sort: 'custom', order } } } },
});

/** The workflow's refusal as the adapter reports it (the first caller's update failed, a later one's run). */
async function refusalOf(promise: Promise<unknown>): Promise<PreferenceRefusal> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PreferenceChangeRefusedError);
  return (error as PreferenceChangeRefusedError).refusal;
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
    await expect
      .poll(async () => (await platform.deps.views.load(userId))?.sections.accounts.items.map((a) => a.id), {
        timeout: 20_000,
      })
      .toEqual(['b', 'a']);
  });

  it('runs a change, and the rebuild it asks for, ahead of event-driven builds on the task queue', async () => {
    const userId = unique('u');
    const other = unique('u');
    const input = patch(userId, 0, ['a']);
    await platform.workflows.changePreferences(input, 30_000);
    await platform.workflows.requestRebuild(other, 'event');
    const priorityOf = async (workflowId: string) =>
      (await platform.client.workflow.getHandle(workflowId).describe()).priority?.priorityKey;
    expect(await priorityOf(preferencesWorkflowId(userId, input.requestKey))).toBe(1);
    expect(await priorityOf(rebuildWorkflowId(userId))).toBe(1);
    expect(await priorityOf(rebuildWorkflowId(other))).toBe(3);
  });

  it('refuses a change made on an old version with a named conflict carrying the current version', async () => {
    const userId = unique('u');
    await platform.workflows.changePreferences(patch(userId, 0, ['x']), 30_000);
    const refusal = await refusalOf(platform.workflows.changePreferences(patch(userId, 0, ['y']), 30_000));

    expect(refusal).toEqual({ reason: 'version-conflict', currentVersion: 1 });
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
    // The repeats joined the first request's update: one update, not a workflow task per repeat.
    const history = await platform.client.workflow
      .getHandle(preferencesWorkflowId(userId, input.requestKey))
      .fetchHistory();
    expect(history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
  });

  it('stops waiting for the answer when the caller goes away, and starts nothing for one already gone', async () => {
    const userId = unique('u');
    // A queue no worker polls: the change never answers, so only the caller's leaving ends the wait.
    const stalled = createDashboardWorkflows(platform.client, {
      ...taskQueues(platform.config),
      interactive: unique('q'),
    });
    const leaving = new AbortController();
    const left = patch(userId, 0, ['a']);
    const waiting = stalled.changePreferences(left, 60_000, leaving.signal);
    setTimeout(() => leaving.abort(), 500);
    await expect(waiting).rejects.toThrow(/cancel/i);
    await platform.client.workflow.getHandle(preferencesWorkflowId(userId, left.requestKey)).terminate('test over');

    const gone = patch(userId, 0, ['b']);
    await expect(platform.workflows.changePreferences(gone, 30_000, AbortSignal.abort())).rejects.toThrow();
    const handle = platform.client.workflow.getHandle(preferencesWorkflowId(userId, gone.requestKey));
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('rejects an invalid change with the validation errors', async () => {
    const userId = unique('u');
    const refusal = await refusalOf(
      platform.workflows.changePreferences(
        {
          userId,
          requestKey: unique('req'),
          expectedVersion: 0,
          change: { kind: 'patch', patch: { layout: 'carousel' } },
        },
        30_000,
      ),
    );
    expect(refusal).toMatchObject({ reason: 'invalid', issues: [expect.objectContaining({ path: '/layout' })] });
  });

  it('restores an earlier version as a new version', async () => {
    const userId = unique('u');
    await platform.workflows.changePreferences(patch(userId, 0, ['a', 'b']), 30_000);
    await platform.workflows.changePreferences(patch(userId, 1, ['b', 'a']), 30_000);
    const restored = await platform.workflows.changePreferences(
      { userId, requestKey: unique('req'), expectedVersion: 2, change: { kind: 'restore', version: 1 } },
      30_000,
    );

    expect(restored.version).toBe(3);
    expect(restored.preferences.sections.accounts.order).toEqual(['a', 'b']);
    expect((await platform.deps.preferences.history(userId, 10)).entries.map((e) => e.version)).toEqual([3, 2, 1]);

    const missing = await refusalOf(
      platform.workflows.changePreferences(
        { userId, requestKey: unique('req'), expectedVersion: 3, change: { kind: 'restore', version: 42 } },
        30_000,
      ),
    );
    expect(missing).toEqual({ reason: 'version-not-found' });
  });
});
