import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../adapters/redis/client.js';
import { liveChannel } from '../../adapters/redis/live-updates.js';
import { listFailedRebuilds } from '../../adapters/temporal/workflow-inspection.js';
import { taskQueues } from '../../config/index.js';
import { topics } from '../../config/topics.js';
import { LIMITS } from '../../dashboard/contract/common.js';
import { ErrorType, rebuildBatchWorkflowId, rebuildWorkflowId } from '../../contract/workflows.js';
import type { rebuildBatch } from '../../workflows/rebuild-batch.js';
import { listUserWorkflows } from '../../adapters/temporal/workflow-inspection.js';
import { account } from '../support/fixtures.js';
import { collectTopic } from '../support/kafka.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { unique } from '../support/unique.js';

let platform: TestPlatform;
beforeAll(async () => {
  // One failing user must not open the services' circuit breakers for everyone in these tests.
  platform = await startTestPlatform({ breakAfterFailures: 1_000 });
});
afterAll(async () => {
  await platform?.stop();
});

/** DashboardUpdated messages on the users' live channels, as the API's streams hear them. */
async function listen(userIds: string[]) {
  const subscriber = createRedisClient(platform.config.REDIS_URL);
  const heard = new Set<string>();
  subscriber.on('message', (channel: string) => heard.add(channel.slice(channel.indexOf(':') + 1)));
  await subscriber.subscribe(...userIds.map(liveChannel));
  return { heard, stop: () => subscriber.disconnect() };
}

describe('rebuildBatch', () => {
  it('builds every user of a batch; a user whose build fails gets a rebuild of its own that ops can find and replay', async () => {
    const since = new Date();
    const [a, b, doomed] = [unique('u'), unique('u'), unique('u')];
    for (const userId of [a, b, doomed])
      platform.domain.setItems('accounts', userId, [account('acc-1', `Konto ${userId}`)]);
    platform.domain.failUser(doomed, true);
    const live = await listen([a, b, doomed]);
    const announced = await collectTopic(platform.config, topics.dashboardUpdated);
    try {
      const key = unique('batch');
      await platform.workflows.startRebuildBatch(key, [
        { userId: a, trigger: 'event' },
        { userId: b, trigger: 'event' },
        { userId: doomed, trigger: 'event' },
      ]);
      const result = await platform.client.workflow
        .getHandle<typeof rebuildBatch>(rebuildBatchWorkflowId(key))
        .result();

      // The batch completes; the others are stored and announced whatever happened to the doomed user.
      expect(result).toMatchObject({ built: 2, unchanged: 0, handedOver: 1, failures: [{ userId: doomed }] });
      for (const userId of [a, b])
        expect((await platform.deps.views.load(userId))?.sections.accounts.items[0]?.name).toBe(`Konto ${userId}`);
      await expect.poll(() => [...live.heard].sort(), { timeout: 10_000 }).toEqual([a, b].sort());

      // The doomed user's own rebuild retried, failed, and is what `ops failed` lists: that user only.
      const own = platform.client.workflow.getHandle(rebuildWorkflowId(doomed));
      await expect(own.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      const failed = await listFailedRebuilds(platform.client, since, platform.config.TEMPORAL_TASK_QUEUE);
      expect(failed.map((f) => f.userId)).toEqual([doomed]);
      expect(failed[0]?.reason).toMatch(/no source answered/);
      // ... and an event for insights, which count failures per trigger.
      const failure = await announced.waitFor(
        (event, key) => key === doomed && event['type'] === 'DashboardRebuildFailed',
      );
      expect(failure['data']).toMatchObject({
        userId: doomed,
        trigger: 'event',
        reason: expect.stringMatching(/no source answered/),
      });

      // Operators find every rebuild that touched a user by UserId, with its trigger.
      const touching = await listUserWorkflows(platform.client, a, 100);
      expect(touching).toEqual([
        expect.objectContaining({
          type: 'rebuildBatch',
          taskQueue: taskQueues(platform.config).batch,
          status: 'COMPLETED',
        }),
      ]);
      const batch = await platform.client.workflow.getHandle(rebuildBatchWorkflowId(key)).describe();
      expect(batch.searchAttributes).toMatchObject({
        UserId: expect.arrayContaining([a, b, doomed]),
        Trigger: ['event'],
      });

      // Once the user's data is back, replaying the failed users rebuilds exactly them.
      platform.domain.failUser(doomed, false);
      const replay = unique('replay');
      await platform.workflows.startRebuildMany(replay, {
        userIds: failed.map((f) => f.userId),
        ratePerSecond: 10,
        trigger: 'replay',
      });
      expect(await platform.client.workflow.getHandle(replay).result()).toMatchObject({
        done: true,
        total: 1,
        succeeded: 1,
        failed: 0,
      });
      expect((await platform.deps.views.load(doomed))?.sections.accounts.items[0]?.name).toBe(`Konto ${doomed}`);
    } finally {
      live.stop();
      await announced.stop();
      platform.domain.failUser(doomed, false);
    }
  });
});

describe('rebuildBatch starts', () => {
  it('accepts a storm of users with the longest ids: every user is built, none refused for the size of its batch', async () => {
    // 150 ids of the longest allowed length: 100 of them in one list are over three times the size Temporal accepts.
    const users = Array.from({ length: 150 }, () => ({
      userId: unique('u').padEnd(LIMITS.idMaxLength, 'x'),
      trigger: 'event' as const,
    }));
    const started = await platform.workflows.startRebuildBatch(unique('long-ids'), users);
    await started.finished();
    // A user whose build failed in a batch is built by its own workflow a moment later.
    const unbuilt = async () =>
      (await Promise.all(users.map(({ userId }) => platform.deps.views.load(userId)))).filter(
        (view) => view === undefined,
      ).length;
    await expect.poll(unbuilt, { timeout: 30_000 }).toBe(0);
  });
});

describe('rebuildDashboard after a failed build', () => {
  it('builds again for a trigger that arrived during the failed build instead of dropping it', async () => {
    // What one failed build asks the accounts service (its call and retries), from a user with no other trigger.
    const alone = unique('u');
    platform.domain.failUser(alone, true);
    await expect(platform.workflows.rebuildNow(alone, 'miss', 30_000)).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    await platform.client.workflow
      .getHandle(rebuildWorkflowId(alone))
      .result()
      .catch(() => undefined);
    const callsPerBuild = platform.domain.calls('accounts', alone);
    expect(callsPerBuild).toBeGreaterThan(0);

    const userId = unique('u');
    platform.domain.failUser(userId, true);
    // A cache miss of a user nothing can be shown for: its build fails after the domain calls' retries.
    const miss = platform.workflows.rebuildNow(userId, 'miss', 30_000).then(
      () => 'built',
      (error: unknown) => error,
    );
    await expect.poll(() => platform.domain.calls('accounts', userId), { timeout: 10_000 }).toBeGreaterThan(0);
    // Meanwhile a domain event triggers a rebuild.
    await platform.workflows.requestRebuild(userId, 'event');

    // The caller hears the build's own failure (nothing to show), not a failure of Temporal's.
    const failure = await miss;
    expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((failure as WorkflowUpdateFailedError).cause).toMatchObject({ type: ErrorType.DashboardUnavailable });
    // The trigger got a build of its own after the failed one: the services were asked for two builds, not one.
    await platform.client.workflow
      .getHandle(rebuildWorkflowId(userId))
      .result()
      .catch(() => undefined);
    expect(platform.domain.calls('accounts', userId)).toBeGreaterThanOrEqual(2 * callsPerBuild);

    // Once the user's data arrives, the next trigger shows it.
    platform.domain.failUser(userId, false);
    platform.domain.setItems('accounts', userId, [account('acc-1', 'Arrived')]);
    await platform.workflows.requestRebuild(userId, 'event');
    await expect
      .poll(async () => (await platform.deps.views.load(userId))?.sections.accounts.items[0]?.name, { timeout: 15_000 })
      .toBe('Arrived');
  });
});
