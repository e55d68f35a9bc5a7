import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp as createPartners } from '../../domain-services/partners/app.js';
import { baseDeps, expectProblem, randomUser, run, tempDataDir, type Running } from './support.js';

describe('fault injection', () => {
  let partners: Running;
  let removeDir: () => Promise<void>;
  const read = () => partners.call('GET', `/v1/users/${randomUser()}/partners`);

  beforeAll(async () => {
    const data = await tempDataDir();
    removeDir = data.remove;
    partners = await run(await createPartners(baseDeps(data.dir)));
  });
  afterAll(async () => {
    await partners.stop(100);
    await removeDir();
  });

  it('starts with no faults and reports them on GET /admin/faults', async () => {
    expect(await partners.call('GET', '/admin/faults')).toMatchObject({
      status: 200,
      body: { latencyMs: 0, errorRate: 0, down: false },
    });
    expect((await read()).status).toBe(200);
  });

  it('adds latency to the domain API but not to admin and health', async () => {
    // Latency far above any scheduling noise, so "delayed" and "not delayed" cannot be confused.
    expect((await partners.call('PUT', '/admin/faults', { latencyMs: 3_000 })).body).toEqual({
      latencyMs: 3_000,
      errorRate: 0,
      down: false,
    });
    let t0 = performance.now();
    expect((await read()).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2_990);
    t0 = performance.now();
    expect((await partners.call('GET', '/healthz')).status).toBe(200);
    expect((await partners.call('GET', '/admin/faults')).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(2_000);
    await partners.call('PUT', '/admin/faults', {});
  });

  it('answers every domain call with 503 at error rate 1, and none at error rate 0', async () => {
    await partners.call('PUT', '/admin/faults', { errorRate: 1 });
    for (let i = 0; i < 5; i++) expectProblem(await read(), 503, 'FAULT_INJECTED_ERROR');
    expectProblem(
      await partners.call('POST', `/v1/users/${randomUser()}/partners`, { name: 'X', category: 'x' }),
      503,
      'FAULT_INJECTED_ERROR',
    );
    expect((await partners.call('GET', '/healthz')).status).toBe(200);
    await partners.call('PUT', '/admin/faults', { errorRate: 0 });
    for (let i = 0; i < 5; i++) expect((await read()).status).toBe(200);
  });

  it('answers 503 immediately when down, even with latency set, and recovers when switched back', async () => {
    await partners.call('PUT', '/admin/faults', { down: true, latencyMs: 20_000 });
    const t0 = performance.now();
    const response = await read();
    expectProblem(response, 503, 'FAULT_INJECTED_DOWN');
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(partners.service.outbox.status().pending).toBe(0);
    expect(await partners.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await partners.call('PUT', '/admin/faults', {})).body).toEqual({ latencyMs: 0, errorRate: 0, down: false });
    expect((await read()).status).toBe(200);
  });

  it('refuses bad fault settings with 400 and keeps the old ones', async () => {
    await partners.call('PUT', '/admin/faults', { latencyMs: 5 });
    expectProblem(await partners.call('PUT', '/admin/faults', { errorRate: 2 }), 400, 'VALIDATION_FAILED');
    expectProblem(await partners.call('PUT', '/admin/faults', { latency: 10 }), 400, 'VALIDATION_FAILED');
    expectProblem(await partners.call('PUT', '/admin/faults', 'not json'), 400, 'INVALID_JSON');
    expect((await partners.call('GET', '/admin/faults')).body).toEqual({ latencyMs: 5, errorRate: 0, down: false });
    await partners.call('PUT', '/admin/faults', {});
  });
});
