import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainServiceError, createDomainClient } from '../../adapters/domain/domain-client.js';

/** A domain service that answers after `delayMs` (per user id), over real HTTP. */
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const delayMs = req.url?.includes('/slow') ? 2_000 : 0;
    if (req.url?.includes('/garbled'))
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"asOf": ');
    if (req.url?.includes('/down')) return void res.writeHead(503).end();
    const notFound = (code: string) =>
      void res
        .writeHead(404, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ status: 404, code }));
    if (req.url?.includes('/newcomer')) return notFound('USER_NOT_FOUND');
    if (req.url?.includes('/misrouted')) return notFound('NOT_FOUND');
    if (req.url?.includes('/undated'))
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ asOf: 'yesterday', items: [] }));
    setTimeout(
      () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ asOf: '2026-01-01T00:00:00.000Z', items: [1] })),
      delayMs,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('domain client', () => {
  it('reports a service that answers too late as unavailable, so the build falls back to the snapshot', async () => {
    const client = createDomainClient({ service: 'accounts', baseUrl, timeoutMs: 200 });
    const started = Date.now();
    const failure = await client.getItems('slow', 'accounts', z.number()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DomainServiceError);
    expect(failure).toMatchObject({ kind: 'unavailable', message: 'accounts: no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await client.getItems('quick', 'accounts', z.number())).toEqual({
      asOf: '2026-01-01T00:00:00.000Z',
      items: [1],
    });
  });

  it('tells a garbled answer (our contract broken, the breaker stays closed) from a failing service', async () => {
    const client = createDomainClient({ service: 'offers', baseUrl, timeoutMs: 1_000, breakAfterFailures: 1 });
    const kindOf = (user: string) =>
      client.getItems(user, 'offers', z.number()).then(
        () => 'answered',
        (error: unknown) => (error as DomainServiceError).kind,
      );
    for (const user of ['garbled', 'undated', 'garbled']) expect(await kindOf(user)).toBe('invalid-response');
    expect(await kindOf('quick')).toBe('answered');
    expect(client.circuit()).toBe('closed');
    expect(await kindOf('down')).toBe('unavailable');
    // One failure opens this breaker: the next call is not made at all.
    expect(client.circuit()).toBe('open');
    expect(await kindOf('quick')).toBe('circuit-open');
    await client.close();
  });

  it('takes a user the service does not know as one with nothing there, and any other 404 as our mistake', async () => {
    const client = createDomainClient({ service: 'partners', baseUrl, timeoutMs: 1_000, breakAfterFailures: 1 });
    const newcomer = await client.getItems('newcomer', 'partners', z.number());
    expect(newcomer.items).toEqual([]);
    expect(Date.now() - Date.parse(newcomer.asOf)).toBeLessThan(5_000);
    await expect(client.getItems('misrouted', 'partners', z.number())).rejects.toMatchObject({
      kind: 'rejected',
      status: 404,
    });
    // Neither is the service failing: the breaker stays closed.
    expect(client.circuit()).toBe('closed');
    await client.close();
  });
});
