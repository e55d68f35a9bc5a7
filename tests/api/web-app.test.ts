import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemResponse, ApiError } from '../../api/problem.js';
import { webAppRoutes } from '../../api/routes/web-app.js';

/** The web client as the API serves it: a built folder with index.html and hashed assets. */
let dist: string;
beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'web-dist-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Dashboard</title>');
  await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(dist, 'secret.env'), 'TOKEN=1');
});
afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
});

const appOver = (dir: string) =>
  webAppRoutes(dir).onError((error, c) => (error instanceof ApiError ? problemResponse(c, error) : c.text('bug', 500)));

describe('the web app route', () => {
  it('serves the page under a strict Content-Security-Policy, revalidated on every load', async () => {
    const page = await appOver(dist).request('/app/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Dashboard</title>');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await appOver(dist).request('/app')).headers.get('location')).toBe('/app/');
  });

  it('serves hashed assets for good, and nothing outside assets/', async () => {
    const asset = await appOver(dist).request('/app/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const path of [
      '/app/assets/..%2Fsecret.env',
      '/app/assets/../secret.env',
      '/app/secret.env',
      '/app/assets/missing.js',
      '/app/assets/.hidden.js',
    ]) {
      expect((await appOver(dist).request(path)).status, path).toBe(404);
    }
  });

  it('says how to build it when it is not built', async () => {
    const missing = await appOver(join(dist, 'nowhere')).request('/app/');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'WEB_APP_NOT_BUILT' });
  });
});
