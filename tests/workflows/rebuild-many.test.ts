import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildManyProgressQuery } from '../../contract/workflows.js';
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

describe('rebuildMany', () => {
  it('rebuilds a list of users at a bounded rate and reports progress by query', async () => {
    const users = Array.from({ length: 5 }, () => unique('u'));
    for (const userId of users) platform.domain.setItems('accounts', userId, [account('acc', `Konto ${userId}`)]);
    const workflowId = unique('rebuild-many');
    await platform.workflows.startRebuildMany(workflowId, { userIds: users, ratePerSecond: 2, trigger: 'admin' });
    const handle = platform.client.workflow.getHandle(workflowId);

    const result = await handle.result();
    expect(result).toMatchObject({ done: true, total: 5, succeeded: 5, failed: 0, nextIndex: 5 });
    expect(await handle.query(rebuildManyProgressQuery)).toMatchObject({ done: true, succeeded: 5 });
    for (const userId of users)
      expect((await platform.deps.views.load(userId))?.sections.accounts.items[0]?.name).toBe(`Konto ${userId}`);
    // Two users per second: five users take at least two pauses of a second.
    const history = await handle.fetchHistory();
    expect(history.events?.filter((e) => e.timerStartedEventAttributes).length).toBeGreaterThanOrEqual(2);
  });

  it('reports the users whose rebuild failed, with the reason', async () => {
    const ok = unique('u');
    const doomed = unique('u');
    platform.domain.setItems('accounts', ok, [account('acc', 'Konto')]);
    // A user no source ever answered for and who has no view: nothing can be shown.
    for (const service of ['accounts', 'partners', 'offers', 'transactions'] as const)
      platform.domain.setMode(service, 'error');
    const workflowId = unique('rebuild-many');
    try {
      await platform.workflows.startRebuildMany(workflowId, {
        userIds: [doomed],
        ratePerSecond: 10,
        trigger: 'replay',
      });
      const result = await platform.client.workflow.getHandle(workflowId).result();
      expect(result).toMatchObject({ done: true, succeeded: 0, failed: 1 });
      expect(result.failures[0]).toMatchObject({ userId: doomed });
      expect(result.failures[0]?.reason).toMatch(/no source answered/);
    } finally {
      for (const service of ['accounts', 'partners', 'offers', 'transactions'] as const)
        platform.domain.setMode(service, 'ok');
    }
  });
});
