import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createApiDeps, type ApiResources } from '../../api/deps.js';
import { account } from '../support/fixtures.js';
import { createTcpGate, type TcpGate } from '../support/tcp-gate.js';
import { unique } from '../support/unique.js';
import { bearer, sleep, startApiHarness, type ApiHarness } from './support.js';

/**
 * Cached reads keep being served while Cassandra and Temporal are away. This API process reaches both
 * through ports the test closes (the engines themselves stay up for everyone else): it warms a user
 * while they answer, then reads with both gone.
 */
let harness: ApiHarness;
let cassandra: TcpGate;
let temporal: TcpGate;
let api: ApiResources;
beforeAll(async () => {
  harness = await startApiHarness();
  const { config } = harness.platform;
  const [temporalHost = '127.0.0.1', temporalPort = '7233'] = config.TEMPORAL_ADDRESS.split(':');
  cassandra = await createTcpGate({
    host: config.CASSANDRA_CONTACT_POINTS[0] ?? '127.0.0.1',
    port: config.CASSANDRA_PORT,
  });
  temporal = await createTcpGate({ host: temporalHost, port: Number(temporalPort) });
  await Promise.all([cassandra.open(), temporal.open()]);
  const [cassandraHost = '127.0.0.1', cassandraPort = '9042'] = cassandra.address.split(':');
  api = createApiDeps({
    ...config,
    LOG_LEVEL: 'silent',
    CASSANDRA_CONTACT_POINTS: [cassandraHost],
    CASSANDRA_PORT: Number(cassandraPort),
    TEMPORAL_ADDRESS: temporal.address,
  });
});
afterAll(async () => {
  await api?.close();
  await Promise.all([cassandra?.close(), temporal?.close()]);
  await harness?.stop();
});

describe('Cassandra and Temporal away', () => {
  it('serves a cached dashboard (200, from the cache), and answers a miss with 503 and Retry-After instead of hanging', async () => {
    const app = createApp(api.deps);
    const headers = async (userId: string) => ({
      ...bearer(await harness.token(userId)),
      'X-Client-Platform': 'ios',
      'X-Client-Version': '4.0.0',
    });
    const userId = unique('u');
    harness.platform.domain.setItems('accounts', userId, [account('acc-1', 'Girokonto')]);
    const warm = await app.request('/v1/dashboard', { headers: await headers(userId) });
    expect(warm.status).toBe(200);

    await Promise.all([cassandra.close(), temporal.close()]);
    // Both really are away for this process: what needs Cassandra is refused.
    expect((await app.request('/v1/preferences', { headers: await headers(userId) })).status).toBe(503);
    for (let i = 0; i < 5; i++) {
      const read = await app.request('/v1/dashboard', { headers: await headers(userId) });
      expect(read.status).toBe(200);
      expect(read.headers.get('X-Dashboard-Source')).toBe('cache');
      expect(JSON.stringify(await read.json())).toContain('Girokonto');
    }

    const miss = await app.request('/v1/dashboard', { headers: await headers(unique('u')) });
    expect(miss.status).toBe(503);
    expect(miss.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(miss.headers.get('Content-Type')).toContain('application/problem+json');
  });
});

describe('Temporal away, then back', () => {
  it('answers a preference change 503 while Temporal is away, and applies it once when the app repeats it with its Idempotency-Key', async () => {
    await Promise.all([cassandra.open(), temporal.close()]);
    const app = createApp(api.deps);
    const userId = unique('u');
    const auth = bearer(await harness.token(userId));
    const patch = (body: object) =>
      app.request('/v1/preferences', {
        method: 'PATCH',
        body: JSON.stringify(body),
        headers: {
          ...auth,
          'Content-Type': 'application/merge-patch+json',
          'If-Match': '"0"',
          'Idempotency-Key': 'phone-layout-1',
        },
      });

    const refused = await patch({ layout: 'grid' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ status: 503, code: 'PREFERENCES_UNAVAILABLE' });

    await temporal.open();
    // The app repeats the request as it was, after each Retry-After, until it is answered (the client
    // reconnects to Temporal meanwhile); the change it carries is made once, whatever came before.
    let applied = await patch({ layout: 'grid' });
    for (const deadline = Date.now() + 30_000; applied.status === 503 && Date.now() < deadline;) {
      await sleep(1_000);
      applied = await patch({ layout: 'grid' });
    }
    expect(applied.status).toBe(200);
    expect(applied.headers.get('ETag')).toBe('"1"');
    const repeated = await patch({ layout: 'grid' });
    expect(repeated.status).toBe(200);
    expect(await repeated.json()).toEqual(await applied.json());
    const history = (await (await app.request('/v1/preferences/history', { headers: auth })).json()) as {
      entries: unknown[];
    };
    expect(history.entries).toHaveLength(1);
    // The key now names that change: another body under it is refused, not applied.
    const other = await patch({ layout: 'compact' });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
