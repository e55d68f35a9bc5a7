import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runApiServer } from '../../api/server.js';
import { unique } from '../support/unique.js';
import {
  bearer,
  fixtureView,
  openStream,
  serveApp,
  sleep,
  startApiHarness,
  type ApiHarness,
  type SseClient,
} from './support.js';

let harness: ApiHarness;
let server: Awaited<ReturnType<typeof serveApp>>;
beforeAll(async () => {
  harness = await startApiHarness();
  server = await serveApp(harness.app({ SSE_HEARTBEAT_SECONDS: 1 }));
});
afterAll(async () => {
  await server?.close();
  await harness?.stop();
});

const connected = (stream: SseClient) =>
  stream.waitFor(() => (stream.comments.includes('connected') ? true : undefined));
const updates = (stream: SseClient) => stream.events.filter((e) => e.event === 'DashboardUpdated');

async function changePreferences(userId: string) {
  const response = await harness.app().request('/v1/preferences', {
    method: 'PATCH',
    body: JSON.stringify({ layout: 'grid' }),
    headers: {
      ...bearer(await harness.token(userId)),
      'Content-Type': 'application/merge-patch+json',
      'If-Match': '"0"',
    },
  });
  expect(response.status).toBe(200);
}

describe('GET /v1/dashboard/stream', () => {
  it("delivers DashboardUpdated to the caller's stream only, with the version as event id", async () => {
    const alice = unique('alice');
    const bob = unique('bob');
    const aliceStream = await openStream(server.baseUrl, bearer(await harness.token(alice)));
    const bobStream = await openStream(server.baseUrl, bearer(await harness.token(bob)));
    try {
      expect(aliceStream.status).toBe(200);
      await Promise.all([connected(aliceStream), connected(bobStream)]);

      await changePreferences(alice);
      const event = await aliceStream.waitFor(() => updates(aliceStream)[0]);
      const envelope = JSON.parse(event.data) as {
        type: string;
        subject: string;
        data: { userId: string; version: number };
      };
      expect(envelope).toMatchObject({ type: 'DashboardUpdated', subject: alice, data: { userId: alice } });
      expect(event.id).toBe(String(envelope.data.version));
      expect((await harness.deps.views.load(alice))?.version).toBe(envelope.data.version);

      await sleep(1_500);
      expect(updates(bobStream)).toEqual([]);
      // Heartbeats keep both streams alive meanwhile.
      expect(bobStream.comments).toContain('heartbeat');
    } finally {
      aliceStream.close();
      bobStream.close();
    }
  });

  it('fans out to the streams of every API process', async () => {
    const userId = unique('u');
    const other = harness.anotherProcess();
    const otherServer = await serveApp(harness.app({}, other.deps));
    const token = await harness.token(userId);
    const streams = [
      await openStream(server.baseUrl, bearer(token)),
      await openStream(otherServer.baseUrl, bearer(token)),
      await openStream(server.baseUrl, bearer(token)),
    ];
    try {
      await Promise.all(streams.map(connected));
      expect(harness.deps.live.channelCount()).toBeGreaterThanOrEqual(1);
      await changePreferences(userId);
      for (const stream of streams) await stream.waitFor(() => updates(stream)[0]);
    } finally {
      for (const stream of streams) stream.close();
      await otherServer.close();
    }
  });

  it('sends the current version at once to a client resuming with an older Last-Event-ID', async () => {
    const userId = unique('u');
    await harness.platform.deps.views.write(fixtureView(userId, 5));
    const token = await harness.token(userId);

    const behind = await openStream(server.baseUrl, { ...bearer(token), 'Last-Event-ID': '3' });
    const current = await openStream(server.baseUrl, { ...bearer(token), 'Last-Event-ID': '5' });
    try {
      const event = await behind.waitFor(() => updates(behind)[0]);
      expect(event.id).toBe('5');
      expect(JSON.parse(event.data)).toMatchObject({
        type: 'DashboardUpdated',
        subject: userId,
        data: { userId, version: 5 },
      });
      await connected(current);
      await sleep(500);
      expect(updates(current)).toEqual([]);
    } finally {
      behind.close();
      current.close();
    }
  });

  it('releases the subscription and timers when the client goes away', async () => {
    const userId = unique('u');
    // The earlier tests' streams are all closed: none may be left behind.
    await expect.poll(() => harness.deps.live.listenerCount(), { timeout: 5_000 }).toBe(0);
    const before = 0;
    const stream = await openStream(server.baseUrl, bearer(await harness.token(userId)));
    await connected(stream);
    expect(harness.deps.live.listenerCount()).toBe(before + 1);
    const gauge = async () =>
      (await (await fetch(`${server.baseUrl}/metrics`)).text()).match(/^sse_streams (\d+)/m)?.[1];
    expect(await gauge()).toBe(String(before + 1));

    stream.close();
    await expect.poll(() => harness.deps.live.listenerCount(), { timeout: 5_000 }).toBe(before);
    expect(harness.deps.live.channelCount()).toBe(0);
    expect(await gauge()).toBe(String(before));
  });

  it('ends a stream at its maximum age, so a vanished peer holds nothing longer; the app resumes with what it missed', async () => {
    const userId = unique('u');
    const short = await serveApp(harness.app({ SSE_MAX_AGE_SECONDS: 1 }));
    try {
      const auth = bearer(await harness.token(userId));
      const stream = await openStream(short.baseUrl, auth);
      await connected(stream);
      await stream.ended;
      expect(harness.deps.live.listenerCount()).toBe(0);
      // Built while the app was away: the reconnect with its last event id is told at once.
      await harness.platform.deps.views.write(fixtureView(userId, 7));
      const resumed = await openStream(short.baseUrl, { ...auth, 'Last-Event-ID': '3' });
      try {
        const event = await resumed.waitFor(() => updates(resumed)[0]);
        expect(event.id).toBe('7');
      } finally {
        resumed.close();
      }
    } finally {
      await short.close();
    }
  });

  it('refuses a stream past SSE_MAX_STREAMS with 503 problem+json and Retry-After, and takes one again once a stream ended', async () => {
    const small = await serveApp(harness.app({ SSE_MAX_STREAMS: 2 }));
    const open: SseClient[] = [];
    try {
      const auth = bearer(await harness.token(unique('u')));
      open.push(await openStream(small.baseUrl, auth), await openStream(small.baseUrl, auth));
      await Promise.all(open.map(connected));

      const refused = await fetch(`${small.baseUrl}/v1/dashboard/stream`, { headers: auth });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({ status: 503, code: 'TOO_MANY_STREAMS' });

      open.shift()!.close();
      // Room again as soon as the server saw that stream end.
      await vi.waitFor(
        async () => {
          const again = await openStream(small.baseUrl, auth);
          if (again.status === 200) open.push(again);
          expect(again.status).toBe(200);
        },
        { timeout: 5_000, interval: 50 },
      );
      await connected(open.at(-1)!);
    } finally {
      for (const stream of open) stream.close();
      await small.close();
    }
  });

  it('is authenticated', async () => {
    expect((await openStream(server.baseUrl, {})).status).toBe(401);
    expect((await openStream(server.baseUrl, { Authorization: 'Bearer nonsense' })).status).toBe(401);
  });

  it('fails to start on a port already taken, instead of waiting', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      await expect(
        runApiServer({ ...harness.platform.config, API_PORT: port, BIND_HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      taken.close();
    }
  });

  it('ends open streams when the process shuts down', async () => {
    // Port 0: the system picks a free one (a random one could be taken by another test's connection).
    const api = await runApiServer({ ...harness.platform.config, API_PORT: 0, LOG_LEVEL: 'silent' });
    const stream = await openStream(`http://127.0.0.1:${api.port}`, bearer(await harness.token(unique('u'))));
    await connected(stream);
    const started = Date.now();
    await api.stop();
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
