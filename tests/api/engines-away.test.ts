import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createApiDeps, type ApiResources } from '../../api/deps.js';
import { account } from '../support/fixtures.js';
import { createTcpGate, type TcpGate } from '../support/tcp-gate.js';
import { unique } from '../support/unique.js';
import { bearer, startApiHarness, type ApiHarness } from './support.js';

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
