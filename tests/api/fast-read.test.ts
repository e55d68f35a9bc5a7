import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheEntry } from '../../adapters/redis/dashboard-cache.js';
import { createFastRead, serverWithFastRead } from '../../api/fast-read.js';
import { createApiMetrics } from '../../api/metrics.js';
import { rememberCallers } from '../../api/middleware/auth.js';
import { durationRecorder } from '../../api/middleware/http-metrics.js';
import { resolveClientProfile } from '../../config/capability-matrix.js';

/**
 * The fast read on its own, over Node's HTTP server, with the near cache and the limiter as plain
 * maps: which requests it answers, and that those answers say what the route's would. Every request
 * it leaves reaches the app, here a listener that answers 418. (Its answers against the real app's,
 * on the real Redis: tests/api/http-contract.test.ts and tests/api/near-cache.test.ts.)
 */
const profile = resolveClientProfile('ios', '4.0.0');
const client = { 'X-Client-Platform': 'ios', 'X-Client-Version': '4.0.0' };
const entry = (cachedAt = Date.now()): CacheEntry => ({
  body: '{"sections":{}}',
  etag: '"7-abc"',
  version: 7,
  cachedAt,
});

const remembered = rememberCallers();
const held = new Map<string, CacheEntry>();
const hits = new Map<string, number>();
const LIMIT = 3;
const metrics = createApiMetrics({ streams: () => 0 });
const lines: Record<string, unknown>[] = [];
const viewed: { userId: string; etagHit: boolean; source: string }[] = [];
let baseUrl = '';
let close: () => void;

beforeAll(async () => {
  const fastRead = createFastRead({
    remembered,
    cache: { peek: (userId, profile) => held.get(`${userId}/${profile.key}`) },
    limiter: {
      hit: (key, limit) => {
        const count = (hits.get(key) ?? 0) + 1;
        hits.set(key, count);
        return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds: 42 };
      },
    },
    perMinute: LIMIT,
    softTtlMs: 60_000,
    metrics,
    recordDuration: durationRecorder(metrics),
    viewEvents: { emit: (event) => viewed.push(event) },
    logger: pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    ),
  });
  const server = serverWithFastRead(fastRead)({}, (_request, response) => {
    response.writeHead(418);
    response.end('app');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close?.());

const user = (name: string) => {
  const token = `token-of-${name}`;
  remembered.set(token, { userId: name, admin: false });
  held.set(`${name}/${profile.key}`, entry());
  return { Authorization: `Bearer ${token}`, ...client };
};
const get = (headers: Record<string, string>, path = '/v1/dashboard') => fetch(`${baseUrl}${path}`, { headers });

describe('fast read', () => {
  it('answers a remembered caller from the near cache with the headers, metric and log line of the route', async () => {
    const response = await get({ ...user('u-fast'), 'X-Request-Id': 'trace-1' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"sections":{}}');
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-length': '15',
      etag: '"7-abc"',
      'cache-control': 'private, no-cache',
      vary: 'Authorization, X-Client-Platform, X-Client-Version',
      'x-dashboard-source': 'cache',
      'x-dashboard-profile': profile.key,
      'x-request-id': 'trace-1',
      'ratelimit-limit': '3',
      'ratelimit-remaining': '2',
      'ratelimit-reset': '42',
    });
    expect(response.headers.has('x-dashboard-stale')).toBe(false);
    expect(lines.at(-1)).toMatchObject({
      msg: 'request',
      requestId: 'trace-1',
      userId: 'u-fast',
      method: 'GET',
      route: '/v1/dashboard',
      status: 200,
    });
    expect(viewed.at(-1)).toMatchObject({ userId: 'u-fast', etagHit: false, source: 'cache' });
    const exposed = await metrics.registry.metrics();
    expect(exposed).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/dashboard",status="200"\} 1/,
    );
    expect(exposed).toMatch(/dashboard_reads_total\{source="cache",stale="false"\} 1/);
  });

  it('answers 304 without a body when the ETag is held, and makes a request id for one it cannot take', async () => {
    const response = await get({ ...user('u-etag'), 'If-None-Match': 'W/"7-abc"', 'X-Request-Id': 'not plain!' });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
    expect(response.headers.get('etag')).toBe('"7-abc"');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(viewed.at(-1)).toMatchObject({ userId: 'u-etag', etagHit: true });
  });

  it('leaves to the app every request it cannot answer in full', async () => {
    const headers = user('u-left');
    const stale = user('u-stale');
    held.set(`u-stale/${profile.key}`, entry(Date.now() - 120_000));
    const cases: [string, Promise<Response>][] = [
      ['no token', get(client)],
      ['a token never verified', get({ ...headers, Authorization: 'Bearer token-never-seen' })],
      ['not a bearer token', get({ ...headers, Authorization: 'Basic dTpw' })],
      ['another profile, not held', get({ ...headers, 'X-Client-Platform': 'android' })],
      ['a stale entry', get(stale)],
      ['another route', get(headers, '/v1/preferences')],
      ['a query string', get(headers, '/v1/dashboard?x=1')],
      ['another method', fetch(`${baseUrl}/v1/dashboard`, { method: 'HEAD', headers })],
    ];
    for (const [name, response] of cases) expect((await response).status, name).toBe(418);
  });

  it('leaves a remembered token to the app the moment it expires', async () => {
    const headers = user('u-expiring');
    remembered.set('token-of-u-expiring', { userId: 'u-expiring', admin: false }, { ttl: 50 });
    expect((await get(headers)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await get(headers)).status).toBe(418);
  });

  it('leaves a caller over the limit to the app, which refuses them', async () => {
    const headers = user('u-limited');
    const statuses = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await get(headers)).status);
    expect(statuses).toEqual([200, 200, 200, 418, 418]);
  });
});
