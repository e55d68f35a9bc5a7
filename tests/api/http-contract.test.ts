import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../support/unique.js';
import { launchChromium, screenshot } from '../support/browser.js';
import { bearer, fixtureView, serveApp, signToken, startApiHarness, type ApiHarness } from './support.js';

let harness: ApiHarness;
let alice: string;
let bob: string;
const tokens: Record<'alice' | 'bob' | 'admin', string> = { alice: '', bob: '', admin: '' };

beforeAll(async () => {
  harness = await startApiHarness();
  alice = unique('alice');
  bob = unique('bob');
  // Views written directly: these tests are about the HTTP contract, not about building dashboards.
  await harness.platform.deps.views.write(fixtureView(alice));
  await harness.platform.deps.views.write(fixtureView(bob));
  tokens.alice = await harness.token(alice);
  tokens.bob = await harness.token(bob);
  tokens.admin = await harness.token(unique('ops'), { admin: true });
});
afterAll(async () => {
  await harness?.stop();
});

const problemOf = async (response: Response) => {
  expect(response.headers.get('Content-Type')).toBe('application/problem+json');
  return (await response.json()) as { status: number; code: string; errors?: { path: string; code: string }[] };
};

describe('authentication and authorisation', () => {
  it('answers 401 to a missing, malformed, forged, expired or id-less token, on every /v1 route', async () => {
    const secret = harness.platform.config.JWT_SECRET;
    const bad: Record<string, Record<string, string>> = {
      missing: {},
      notBearer: { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      garbage: { Authorization: 'Bearer not.a.jwt' },
      forged: bearer(await signToken('another-secret-that-is-at-least-32-chars-long', { sub: alice })),
      expired: bearer(await signToken(secret, { sub: alice }, { expiresAt: Math.floor(Date.now() / 1000) - 60 })),
      badSub: bearer(await signToken(secret, { sub: 'not a valid id!' })),
      noSub: bearer(await signToken(secret, { roles: ['admin'] })),
      otherAlg: bearer(await signToken(secret, { sub: alice }, { alg: 'HS512' })),
    };
    const app = harness.app();
    for (const path of [
      '/v1/dashboard',
      `/v1/users/${alice}/dashboard`,
      '/v1/preferences',
      '/v1/preferences/history',
      '/v1/dashboard/stream',
    ]) {
      for (const [name, headers] of Object.entries(bad)) {
        const response = await app.request(path, { headers });
        expect(response.status, `${name} ${path}`).toBe(401);
        expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
        expect((await problemOf(response)).code).toBe('UNAUTHORIZED');
      }
    }
  });

  it('stops taking a token the moment it expires, although it was verified (and remembered) before', async () => {
    const secret = harness.platform.config.JWT_SECRET;
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = bearer(await signToken(secret, { sub: alice }, { expiresAt }));
    const app = harness.app();
    expect((await app.request('/v1/dashboard', { headers: token })).status).toBe(200);
    expect((await app.request('/v1/dashboard', { headers: token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 50));
    const expired = await app.request('/v1/dashboard', { headers: token });
    expect(expired.status).toBe(401);
    expect((await problemOf(expired)).code).toBe('UNAUTHORIZED');
  });

  it("lets users read only their own dashboard, and admins anyone's", async () => {
    const app = harness.app();
    const matrix: [caller: keyof typeof tokens, owner: () => string, status: number][] = [
      ['alice', () => alice, 200],
      ['alice', () => bob, 403],
      ['bob', () => bob, 200],
      ['bob', () => alice, 403],
      ['admin', () => alice, 200],
      ['admin', () => bob, 200],
    ];
    for (const [caller, owner, status] of matrix) {
      const response = await app.request(`/v1/users/${owner()}/dashboard`, { headers: bearer(tokens[caller]) });
      expect(response.status, `${caller} -> ${owner()}`).toBe(status);
      if (status === 200) expect(((await response.json()) as { userId: string }).userId).toBe(owner());
      else expect((await problemOf(response)).code).toBe('FORBIDDEN');
    }
    // The own-dashboard route always means the caller, whatever else the request says.
    const own = await app.request('/v1/dashboard', { headers: bearer(tokens.bob) });
    expect(((await own.json()) as { userId: string }).userId).toBe(bob);
    expect((await app.request('/v1/users/bad%20id!/dashboard', { headers: bearer(tokens.admin) })).status).toBe(422);
  });
});

describe('limits and input errors', () => {
  it('rate-limits per user with 429 and Retry-After', async () => {
    const app = harness.app({ RATE_LIMIT_PER_MINUTE: 3 });
    const user = await harness.token(unique('u'));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.request('/v1/preferences', { headers: bearer(user) })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await app.request('/v1/preferences', { headers: bearer(user) });
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect((await problemOf(limited)).code).toBe('RATE_LIMITED');
    // Another user has a budget of their own; health is never limited.
    expect((await app.request('/v1/preferences', { headers: bearer(await harness.token(unique('u'))) })).status).toBe(
      200,
    );
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('maps bad bodies to 413, 415, 400 and 422 problem+json, never 5xx', async () => {
    const app = harness.app({ BODY_LIMIT_BYTES: 1024 });
    const auth = { ...bearer(await harness.token(unique('u'))), 'If-Match': '"0"' };
    const send = (method: string, path: string, body: string, contentType?: string) =>
      app.request(path, {
        method,
        body,
        headers: { ...auth, ...(contentType ? { 'Content-Type': contentType } : {}) },
      });

    const large = await send(
      'PUT',
      '/v1/preferences',
      JSON.stringify({ layout: 'x'.repeat(2048) }),
      'application/json',
    );
    expect(large.status).toBe(413);
    expect((await problemOf(large)).code).toBe('PAYLOAD_TOO_LARGE');

    for (const [method, path, type] of [
      ['PUT', '/v1/preferences', 'text/plain'],
      ['PATCH', '/v1/preferences', 'application/xml'],
      ['POST', '/v1/preferences/restore', 'application/merge-patch+json'],
      ['PATCH', '/v1/preferences', undefined],
    ] as const) {
      const response = await send(method, path, '{}', type);
      expect(response.status, `${method} ${path} ${type}`).toBe(415);
      expect((await problemOf(response)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }

    const broken = await send('PATCH', '/v1/preferences', '{"layout": ', 'application/merge-patch+json');
    expect(broken.status).toBe(400);
    expect((await problemOf(broken)).code).toBe('INVALID_JSON');

    const invalid = await send(
      'POST',
      '/v1/preferences/restore',
      JSON.stringify({ version: 'one' }),
      'application/json',
    );
    expect(invalid.status).toBe(422);
    expect((await problemOf(invalid)).errors).toEqual([expect.objectContaining({ path: '/json/version' })]);
  });

  it('answers any JSON a client may send with a 4xx, never a 5xx', async () => {
    const app = harness.app();
    // No If-Match: bodies that pass validation stop at 428, so no workflow runs for random input.
    const headers = { ...bearer(await harness.token(unique('u'))) };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('PUT', 'PATCH'),
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify({ sections: v })),
        ),
        fc.constantFrom('application/json', 'application/merge-patch+json', 'text/plain'),
        async (method, body, contentType) => {
          const response = await app.request('/v1/preferences', {
            method,
            body,
            headers: { ...headers, 'Content-Type': contentType },
          });
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get('Content-Type')).toBe('application/problem+json');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers unknown routes with a 404 problem, and a known path asked with another method with 405 and Allow', async () => {
    const app = harness.app();
    const response = await app.request('/v2/nothing-here');
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe('NOT_FOUND');
    const alice = bearer(await harness.token(unique('alice')));
    for (const [method, path, allow] of [
      ['DELETE', '/v1/dashboard', 'GET'],
      ['DELETE', '/v1/preferences', 'GET, PATCH, PUT'],
      ['PUT', '/v1/users/u-7/dashboard', 'GET'],
      ['POST', '/healthz', 'GET'],
    ] as const) {
      const refused = await app.request(path, { method, headers: alice });
      expect(refused.status, `${method} ${path}`).toBe(405);
      expect(refused.headers.get('allow')).toBe(allow);
      expect((await problemOf(refused)).code).toBe('METHOD_NOT_ALLOWED');
    }
  });
});

describe('operations surface', () => {
  it('reports liveness, readiness of each dependency, and metrics', async () => {
    const app = harness.app();
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });

    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      checks: {
        redis: expect.stringMatching(/up|degraded/),
        cassandra: expect.stringMatching(/up|degraded/),
        temporal: expect.stringMatching(/up|degraded/),
      },
    });

    await app.request('/v1/dashboard', { headers: bearer(tokens.alice) });
    await app.request('/v1/dashboard', { headers: bearer(tokens.alice) });
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/dashboard",status="200"\} 2/,
    );
    expect(metrics).toMatch(/dashboard_reads_total\{source="cache",stale="false"\} \d/);
    expect(metrics).toContain('dashboard_rebuilds_triggered_total');
    expect(metrics).toMatch(/^sse_streams \d+/m);
    // Raw paths never become labels: ids would make the series unbounded.
    expect(metrics).not.toContain(alice);
  });

  it('publishes the OpenAPI 3.1 contract and a page to browse it', async () => {
    const app = harness.app();
    const document = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/dashboard',
        '/v1/users/{userId}/dashboard',
        '/v1/dashboard/stream',
        '/v1/preferences',
        '/v1/preferences/history',
        '/v1/preferences/restore',
        '/healthz',
        '/readyz',
      ]),
    );
    expect(document.components.securitySchemes['bearerAuth']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('shows every operation of the docs in a browser, with nothing loaded from outside the API', async () => {
    const server = await serveApp(harness.app());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(server.baseUrl)) elsewhere.push(request.url());
      });
      await page.goto(`${server.baseUrl}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
      const operations = await page.locator('.opblock-summary-path').allInnerTexts();
      const document = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      expect(new Set(operations.map((path) => path.replace(/\u200b/g, '').trim()))).toEqual(
        new Set(Object.keys(document.paths)),
      );
      expect(await page.getByText('Dashboard API').first().isVisible()).toBe(true);
      expect(elsewhere).toEqual([]);
      await screenshot(page, 'api-docs');
    } finally {
      await browser.close();
      await server.close();
    }
  });

  it('echoes a request id, or makes one', async () => {
    const app = harness.app();
    expect(
      (await app.request('/healthz', { headers: { 'X-Request-Id': 'trace-123' } })).headers.get('X-Request-Id'),
    ).toBe('trace-123');
    expect((await app.request('/healthz')).headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    // Also on errors, on routes that do not exist, and on dashboards.
    expect(
      (await app.request('/v1/dashboard', { headers: { 'X-Request-Id': 'trace-401' } })).headers.get('X-Request-Id'),
    ).toBe('trace-401');
    expect(
      (await app.request('/nowhere', { headers: { 'X-Request-Id': 'trace-404' } })).headers.get('X-Request-Id'),
    ).toBe('trace-404');
    const dashboard = await app.request('/v1/dashboard', {
      headers: { ...bearer(tokens.alice), 'X-Request-Id': 'trace-200' },
    });
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get('X-Request-Id')).toBe('trace-200');
  });
});

// The process serves through @hono/node-server, which turns Hono's answers into Node's own (headers
// included); `app.request()` above skips that step. Both must answer alike.
describe('headers over Node’s HTTP server, as the process serves', () => {
  let server: Awaited<ReturnType<typeof serveApp>>;
  beforeAll(async () => {
    server = await serveApp(harness.app({ RATE_LIMIT_PER_MINUTE: 5 }));
  });
  afterAll(async () => {
    await server?.close();
  });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.baseUrl}${path}`, { headers });

  it('echoes a plain request id and replaces anything else, on every kind of answer', async () => {
    expect((await get('/healthz', { 'X-Request-Id': 'trace-123' })).headers.get('X-Request-Id')).toBe('trace-123');
    const replaced = (await get('/healthz', { 'X-Request-Id': 'not plain!' })).headers.get('X-Request-Id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect((await get('/healthz', { 'X-Request-Id': 'x'.repeat(129) })).headers.get('X-Request-Id')).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect((await get('/v1/dashboard', { 'X-Request-Id': 'trace-401' })).headers.get('X-Request-Id')).toBe('trace-401');
    expect((await get('/nowhere', { 'X-Request-Id': 'trace-404' })).headers.get('X-Request-Id')).toBe('trace-404');
  });

  it('serves a dashboard with its client profile, the rate limit and a 304 for the ETag held', async () => {
    // A user of its own: the limit is counted per user across the API's processes.
    const userId = unique('u');
    await harness.platform.deps.views.write(fixtureView(userId));
    const user = await harness.token(userId);
    const client = { ...bearer(user), 'X-Client-Platform': 'ios', 'X-Client-Version': '1.0.0' };
    const first = await get('/v1/dashboard', { ...client, 'X-Request-Id': 'trace-200' });
    expect(first.status).toBe(200);
    expect(first.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(first.headers.get('X-Request-Id')).toBe('trace-200');
    expect(first.headers.get('X-Dashboard-Profile')).toBe('ios-v1');
    expect(first.headers.get('Vary')).toBe('Authorization, X-Client-Platform, X-Client-Version');
    expect(first.headers.get('RateLimit-Limit')).toBe('5');
    expect(first.headers.get('RateLimit-Remaining')).toBe('4');
    expect(((await first.json()) as { sections: Record<string, unknown> }).sections).toBeDefined();

    const etag = first.headers.get('ETag') ?? '';
    const again = await get('/v1/dashboard', { ...client, 'If-None-Match': etag, 'X-Request-Id': 'trace-304' });
    expect(again.status).toBe(304);
    expect(again.headers.get('ETag')).toBe(etag);
    expect(again.headers.get('X-Request-Id')).toBe('trace-304');
    expect(again.headers.get('RateLimit-Remaining')).toBe('3');

    // Another route and a refusal carry the limit too.
    const preferences = await get('/v1/preferences', bearer(user));
    expect(preferences.status).toBe(200);
    expect(preferences.headers.get('RateLimit-Remaining')).toBe('2');
    await get('/v1/preferences', bearer(user));
    await get('/v1/preferences', bearer(user));
    const limited = await get('/v1/preferences', bearer(user));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('RateLimit-Remaining')).toBe('0');
    expect(limited.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a repeated read ahead of the app with what the app answered', async () => {
    const userId = unique('u');
    await harness.platform.deps.views.write(fixtureView(userId));
    const client = {
      ...bearer(await harness.token(userId)),
      'X-Client-Platform': 'android',
      'X-Client-Version': '2.0.0',
    };
    const read = (headers: Record<string, string> = {}) => get('/v1/dashboard', { ...client, ...headers });
    // From the view (Redis re-warmed), then from Redis into the near cache: both the app's answers.
    expect((await read()).headers.get('X-Dashboard-Source')).toBe('view');
    const before = server.fastAnswers();
    const fromApp = await read();
    expect(fromApp.headers.get('X-Dashboard-Source')).toBe('cache');
    expect(server.fastAnswers()).toBe(before);

    const fast = await read();
    expect(server.fastAnswers()).toBe(before + 1);
    const comparable = (response: Response) =>
      Object.fromEntries(
        [...response.headers].filter(([name]) => !/^(date|x-request-id|ratelimit-remaining)$/.test(name)),
      );
    expect(comparable(fast)).toEqual(comparable(fromApp));
    expect(await fast.text()).toBe(await fromApp.text());
    expect(Number(fast.headers.get('RateLimit-Remaining'))).toBe(
      Number(fromApp.headers.get('RateLimit-Remaining')) - 1,
    );

    const notModified = await read({ 'If-None-Match': fast.headers.get('ETag') ?? '', 'X-Request-Id': 'trace-fast' });
    expect(server.fastAnswers()).toBe(before + 2);
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('X-Request-Id')).toBe('trace-fast');
    expect(notModified.headers.get('X-Dashboard-Source')).toBe('cache');
  });
});
