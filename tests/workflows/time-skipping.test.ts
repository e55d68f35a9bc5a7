import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorType,
  rebuildBatchWorkflowId,
  rebuildWorkflowId,
  type BatchBuildResult,
  type BuildOutcome,
  type BuildRequest,
} from '../../contract/workflows.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import type { rebuildBatch } from '../../workflows/rebuild-batch.js';
import type { rebuildDashboard } from '../../workflows/rebuild-dashboard.js';
import type { rebuildMany } from '../../workflows/rebuild-many.js';
import { emptyView } from '../support/fixtures.js';
import { startTimeSkippingEnvironment } from '../support/time-skipping.js';
import { unique } from '../support/unique.js';

/**
 * Workflow timing over spans a test cannot wait for, on the time-skipping test server. The activities
 * are stand-ins that record their calls: what is under test is when the workflow calls them.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

describe('rebuildMany on a skipped clock', () => {
  it('rebuilds 1,000 users at 5 a second: each once, over at least 199 s of workflow time, across continued runs', async () => {
    const pages: { users: string[] }[] = [];
    const activities = {
      async buildDashboards(requests: BuildRequest[]): Promise<BatchBuildResult> {
        pages.push({ users: requests.map((r) => r.userId) });
        return { built: requests.length, unchanged: 0, failures: [] };
      },
      async requestRebuilds(): Promise<void> {},
    };
    const taskQueue = unique('time-skipping');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflows(),
      activities,
    });
    const users = Array.from({ length: 1_000 }, (_, i) => `u-${i}`);
    const started = await env.currentTimeMs();
    const realStart = Date.now();

    const result = await worker.runUntil(
      env.client.workflow.execute<typeof rebuildMany>('rebuildMany', {
        taskQueue,
        workflowId: unique('rebuild-many'),
        args: [{ userIds: users, ratePerSecond: 5, trigger: 'admin' }],
      }),
    );

    expect(result).toMatchObject({ done: true, total: 1_000, succeeded: 1_000, failed: 0 });
    expect(pages.flatMap((p) => p.users)).toEqual(users);
    expect(pages.every((p) => p.users.length === 5)).toBe(true);
    // 200 pages at most one a second: at least 199 s of workflow time, in far less real time.
    expect(pages).toHaveLength(200);
    expect((await env.currentTimeMs()) - started).toBeGreaterThanOrEqual(199_000);
    expect(Date.now() - realStart).toBeLessThan(60_000);
  }, 120_000);
});

/** Seconds between consecutive builds, rounded: the backoff the workflow kept. */
const gapsOf = (times: number[]) => times.slice(1).map((t, i) => Math.round((t - (times[i] ?? t)) / 1000));

describe('rebuildDashboard settling on a skipped clock', () => {
  /** A worker whose only build is `build`; every test gets its own task queue. */
  async function runWithBuild<T>(
    build: (request: BuildRequest) => Promise<BuildOutcome>,
    run: (taskQueue: string) => Promise<T>,
  ) {
    const taskQueue = unique('time-skipping-settle');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflows(),
      activities: {
        buildDashboardOutcome: build,
        async publishRebuildFailed(): Promise<void> {},
      },
    });
    return worker.runUntil(run(taskQueue));
  }

  it('builds again without a new trigger after 2, 4, 8 and 16 s, then every 20 s, until a build settles half an hour later; versions keep rising across continue-as-new', async () => {
    const userId = unique('u-settle');
    const started = await env.currentTimeMs();
    const builds: { at: number; afterVersion: number }[] = [];
    const recoversAt = started + 30 * 60_000;

    const { firstRunId, status } = await runWithBuild(
      async (request) => {
        const at = await env.currentTimeMs();
        builds.push({ at, afterVersion: request.afterVersion ?? 0 });
        const version = (request.afterVersion ?? 0) + 1;
        return { view: emptyView(userId, version), unsettled: at < recoversAt ? ['sources'] : [] };
      },
      async (taskQueue) => {
        const handle = await env.client.workflow.start<typeof rebuildDashboard>('rebuildDashboard', {
          taskQueue,
          workflowId: rebuildWorkflowId(userId),
          args: [{ userId, pending: [{ trigger: 'event' }] }],
        });
        return { firstRunId: handle.firstExecutionRunId, status: await handle.result() };
      },
    );

    const gaps = gapsOf(builds.map((b) => b.at));
    expect(gaps.slice(0, 4)).toEqual([2, 4, 8, 16]);
    expect(new Set(gaps.slice(4))).toEqual(new Set([20]));
    // The first build after the recovery settles it, and nothing is built after that.
    expect(builds.at(-1)!.at).toBeGreaterThanOrEqual(recoversAt);
    expect(builds.at(-2)!.at).toBeLessThan(recoversAt);
    // About 90 builds: more than one run's 50, so the run continued as new and kept the backoff's place.
    expect(builds.length).toBeGreaterThan(50);
    const first = await env.client.workflow.getHandle(rebuildWorkflowId(userId), firstRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    // Each build was asked for a version above the one before, across runs.
    expect(builds.map((b) => b.afterVersion)).toEqual(builds.map((_, i) => i));
    expect(status.lastVersion).toBe(builds.length);
  }, 120_000);

  it('retries a build that failed (its store away) the same way and completes once one succeeds; "nothing to show" fails the run at once', async () => {
    const userId = unique('u-store-away');
    const started = await env.currentTimeMs();
    const tries: number[] = [];
    const status = await runWithBuild(
      async (request) => {
        const at = await env.currentTimeMs();
        tries.push(at);
        // Non-retryable so the local activity's own retries (real time) stay out of the measurement.
        if (at < started + 60_000) throw ApplicationFailure.nonRetryable('Cassandra is away', 'StoreUnavailable');
        return { view: emptyView(userId, (request.afterVersion ?? 0) + 1), unsettled: [] };
      },
      (taskQueue) =>
        env.client.workflow.execute<typeof rebuildDashboard>('rebuildDashboard', {
          taskQueue,
          workflowId: rebuildWorkflowId(userId),
          args: [{ userId, pending: [{ trigger: 'event' }] }],
        }),
    );
    expect(gapsOf(tries)).toEqual([2, 4, 8, 16, 20, 20]);
    expect(status).toMatchObject({ buildsCompleted: 1, lastVersion: 1 });

    const nobody = unique('u-nothing');
    const attempts: number[] = [];
    const failed = await runWithBuild(
      async () => {
        attempts.push(await env.currentTimeMs());
        throw ApplicationFailure.nonRetryable(
          'no source answered and there is no view',
          ErrorType.DashboardUnavailable,
        );
      },
      (taskQueue) =>
        env.client.workflow
          .execute<typeof rebuildDashboard>('rebuildDashboard', {
            taskQueue,
            workflowId: rebuildWorkflowId(nobody),
            args: [{ userId: nobody, pending: [{ trigger: 'event' }] }],
          })
          .then(
            () => undefined,
            (error: unknown) => error,
          ),
    );
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(attempts).toHaveLength(1);
  }, 120_000);

  it('stops trying after a day of an outage that never ends: the run completes with the last view it stored', async () => {
    const userId = unique('u-day');
    const started = await env.currentTimeMs();
    let last = 0;
    const status = await runWithBuild(
      async (request) => {
        last = await env.currentTimeMs();
        return { view: emptyView(userId, (request.afterVersion ?? 0) + 1), unsettled: ['sources'] };
      },
      (taskQueue) =>
        env.client.workflow.execute<typeof rebuildDashboard>('rebuildDashboard', {
          taskQueue,
          workflowId: rebuildWorkflowId(userId),
          args: [{ userId, pending: [{ trigger: 'event' }] }],
        }),
    );
    const hours = (last - started) / 3_600_000;
    expect(hours).toBeGreaterThanOrEqual(24);
    expect(hours).toBeLessThan(24.1);
    expect(status.lastVersion).toBeGreaterThan(4_000);
  }, 300_000);
});

describe('rebuildBatch settling on a skipped clock', () => {
  it('builds again only the users left unsettled, each for the version it stored, with the same backoff, until they settle', async () => {
    const taskQueue = unique('time-skipping-batch');
    const started = await env.currentTimeMs();
    const rounds: { at: number; users: BuildRequest[] }[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflows(),
      activities: {
        async buildDashboards(requests: BuildRequest[]): Promise<BatchBuildResult> {
          const at = await env.currentTimeMs();
          rounds.push({ at, users: requests });
          // u-2 recovers after a minute, u-3 after five; u-1 is built at once.
          const recovery: Record<string, number> = { 'u-2': 60_000, 'u-3': 300_000 };
          const unsettled = requests
            .filter((r) => at - started < (recovery[r.userId] ?? 0))
            .map((r) => ({ userId: r.userId, what: ['sources' as const], version: rounds.length }));
          return { built: requests.length, unchanged: 0, failures: [], unsettled };
        },
        async requestRebuilds(): Promise<void> {},
      },
    });
    const result = await worker.runUntil(
      env.client.workflow.execute<typeof rebuildBatch>('rebuildBatch', {
        taskQueue,
        workflowId: rebuildBatchWorkflowId(unique('batch')),
        args: [{ users: ['u-1', 'u-2', 'u-3'].map((userId) => ({ userId, trigger: 'event' as const })) }],
      }),
    );

    expect(result).toMatchObject({ failures: [], handedOver: 0 });
    expect(rounds[0]!.users.map((u) => u.userId)).toEqual(['u-1', 'u-2', 'u-3']);
    expect(rounds.slice(1).every((r) => !r.users.some((u) => u.userId === 'u-1'))).toBe(true);
    expect(gapsOf(rounds.map((r) => r.at)).slice(0, 5)).toEqual([2, 4, 8, 16, 20]);
    // Each retry finishes what the round before stored, so a newer build of that user wins over it.
    for (const [i, round] of rounds.slice(1).entries())
      expect(round.users.every((u) => u.retryOf === i + 1)).toBe(true);
    const lastWith = (userId: string) => rounds.findLast((r) => r.users.some((u) => u.userId === userId))!.at - started;
    expect(lastWith('u-2')).toBeGreaterThanOrEqual(60_000);
    expect(lastWith('u-2')).toBeLessThan(90_000);
    expect(lastWith('u-3')).toBeGreaterThanOrEqual(300_000);
    expect(lastWith('u-3')).toBeLessThan(330_000);
  }, 120_000);
});
