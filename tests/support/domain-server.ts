import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the four domain services, started by workflow tests (the issue allows it):
 * per service and user it serves the items a test sets, can fail on demand, and counts calls so a
 * test can see a circuit breaker at work. The engines are never stood in for; only domain services.
 */
export type Service = 'accounts' | 'partners' | 'offers' | 'transactions';
const pathOf: Record<string, Service> = {
  accounts: 'accounts',
  partners: 'partners',
  offers: 'offers',
  insights: 'transactions',
};

export interface TestDomainServer {
  readonly baseUrls: Record<Service, string>;
  setItems(service: Service, userId: string, items: unknown[], asOf?: string): void;
  /** 'ok' serves items; 'error' answers 503; 'slow' answers after `ms`. */
  setMode(service: Service, mode: 'ok' | 'error' | { slowMs: number }): void;
  /** Every service answers 503 for this one user (true) or serves it again (false). */
  failUser(userId: string, failing: boolean): void;
  calls(service: Service, userId?: string): number;
  close(): Promise<void>;
}

export async function startTestDomainServer(): Promise<TestDomainServer> {
  const items = new Map<string, { asOf: string; items: unknown[] }>();
  const modes = new Map<Service, 'ok' | 'error' | { slowMs: number }>();
  const callLog: { service: Service; userId: string }[] = [];
  const failingUsers = new Set<string>();

  const server: Server = createServer((req, res) => {
    const match = /^\/(\w+)\/v1\/users\/([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const service = match ? pathOf[match[3] ?? ''] : undefined;
    if (!match || !service || match[1] !== service) {
      res.writeHead(404).end();
      return;
    }
    const userId = decodeURIComponent(match[2] ?? '');
    callLog.push({ service, userId });
    const mode = failingUsers.has(userId) ? 'error' : (modes.get(service) ?? 'ok');
    const answer = () => {
      if (mode === 'error') {
        res
          .writeHead(503, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ status: 503, code: 'INJECTED' }));
        return;
      }
      const entry = items.get(`${service}/${userId}`) ?? { asOf: '2026-01-01T00:00:00.000Z', items: [] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ userId, ...entry }));
    };
    if (typeof mode === 'object') setTimeout(answer, mode.slowMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrls: {
      accounts: `${base}/accounts`,
      partners: `${base}/partners`,
      offers: `${base}/offers`,
      transactions: `${base}/transactions`,
    },
    setItems(service, userId, list, asOf = new Date().toISOString()) {
      items.set(`${service}/${userId}`, { asOf, items: list });
    },
    setMode(service, mode) {
      modes.set(service, mode);
    },
    failUser(userId, failing) {
      if (failing) failingUsers.add(userId);
      else failingUsers.delete(userId);
    },
    calls(service, userId) {
      return callLog.filter((c) => c.service === service && (userId === undefined || c.userId === userId)).length;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
