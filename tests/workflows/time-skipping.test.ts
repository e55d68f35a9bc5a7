import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchBuildResult, BuildRequest } from '../../contract/workflows.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import type { rebuildMany } from '../../workflows/rebuild-many.js';
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
