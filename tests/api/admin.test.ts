import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account } from '../support/fixtures.js';
import { unique } from '../support/unique.js';
import { bearer, startApiHarness, type ApiHarness } from './support.js';

/** The admin endpoints the web ops console uses, on the real stack. */
let harness: ApiHarness;
beforeAll(async () => {
  harness = await startApiHarness();
});
afterAll(async () => {
  await harness?.stop();
});

const post = (token: string, body: unknown) => ({
  method: 'POST',
  headers: { ...bearer(token), 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

describe('admin endpoints', () => {
  it('refuse callers without the admin role (403) and without a token (401)', async () => {
    const app = harness.app();
    const token = await harness.token(unique('u'));
    for (const [method, path] of [
      ['GET', '/v1/admin/users/u-1/workflows'],
      ['POST', '/v1/admin/users/u-1/rebuild'],
      ['GET', '/v1/admin/rebuilds/failed'],
    ] as const) {
      const refused = await app.request(path, { method, headers: bearer(token) });
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN' });
      expect((await app.request(path, { method })).status).toBe(401);
    }
  });

  it("rebuild a user now, and list the user's workflows with links into the Temporal UI", async () => {
    const app = harness.app({ TEMPORAL_UI_URL: 'https://temporal.example/' });
    const admin = await harness.token('ops-1', { admin: true });
    const userId = unique('u');
    harness.platform.domain.setItems('accounts', userId, [account('acc-1', 'Girokonto')]);

    const rebuilt = await app.request(`/v1/admin/users/${userId}/rebuild`, post(admin, { trigger: 'admin' }));
    expect(rebuilt.status).toBe(200);
    expect(await rebuilt.json()).toMatchObject({ userId, version: expect.any(Number), builtAt: expect.any(String) });
    expect((await harness.deps.views.load(userId))?.sections.accounts.items.map((a) => a.name)).toEqual(['Girokonto']);

    const listed = await app.request(`/v1/admin/users/${userId}/workflows?limit=5`, { headers: bearer(admin) });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as {
      temporalUiUrl: string;
      workflows: { workflowId: string; runId: string; type: string; temporalUiUrl: string }[];
    };
    expect(body.temporalUiUrl).toBe(
      `https://temporal.example/namespaces/${harness.platform.config.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent(`UserId = '${userId}'`)}`,
    );
    const [run] = body.workflows;
    expect(run).toMatchObject({ workflowId: `dashboard-rebuild:${userId}`, type: 'rebuildDashboard' });
    expect(run?.temporalUiUrl).toBe(
      `https://temporal.example/namespaces/${harness.platform.config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(run?.workflowId ?? '')}/${run?.runId}/history`,
    );
  });

  it('list a failed rebuild with its reason, and a replay once the data is back rebuilds it', async () => {
    const app = harness.app();
    const admin = await harness.token('ops-1', { admin: true });
    const userId = unique('u');
    harness.platform.domain.setItems('accounts', userId, [account('acc-1', 'Girokonto')]);
    harness.platform.domain.failUser(userId, true);
    try {
      const failed = await app.request(`/v1/admin/users/${userId}/rebuild`, post(admin, { trigger: 'admin' }));
      expect(failed.status).toBe(503);
      expect(await failed.json()).toMatchObject({ code: 'REBUILD_UNAVAILABLE' });

      const listed = async () => {
        const response = await app.request('/v1/admin/rebuilds/failed?since=10m', { headers: bearer(admin) });
        expect(response.status).toBe(200);
        return ((await response.json()) as { failed: { userId: string; reason: string }[] }).failed.filter(
          (f) => f.userId === userId,
        );
      };
      await expect
        .poll(listed, { timeout: 45_000, interval: 1_000 })
        .toEqual([expect.objectContaining({ userId, reason: expect.stringMatching(/no source answered/) })]);
    } finally {
      harness.platform.domain.failUser(userId, false);
    }
    const replayed = await app.request(`/v1/admin/users/${userId}/rebuild`, post(admin, { trigger: 'replay' }));
    expect(replayed.status).toBe(200);
    expect((await harness.deps.views.load(userId))?.sections.accounts.items.map((a) => a.name)).toEqual(['Girokonto']);
  });

  it('refuse a malformed request with the field that is wrong (422)', async () => {
    const app = harness.app();
    const admin = await harness.token('ops-1', { admin: true });
    const since = await app.request('/v1/admin/rebuilds/failed?since=yesterday', { headers: bearer(admin) });
    expect(since.status).toBe(422);
    expect(await since.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.objectContaining({ path: '/query/since' })],
    });
    const trigger = await app.request('/v1/admin/users/u-1/rebuild', post(admin, { trigger: 'miss' }));
    expect(trigger.status).toBe(422);
    expect(await trigger.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.objectContaining({ path: '/json/trigger' })],
    });
  });
});
