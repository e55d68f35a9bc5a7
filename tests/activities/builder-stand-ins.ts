import type { BuilderDeps } from '../../activities/build-dashboard.js';
import type { DomainClient } from '../../adapters/domain/domain-client.js';
import { defaultPreferences, type CanonicalDashboard } from '../../dashboard/index.js';

/**
 * Stand-ins for the builder's stores and services, for tests of its pure decisions (scheduling,
 * retries); the engines are exercised by the workflow and e2e tests. Every domain call is recorded;
 * a user whose name starts with "slow" answers only when the test releases it; `stored` is the view
 * the view store holds.
 */
export function builderStandIns(stored?: CanonicalDashboard) {
  const calls: string[] = [];
  const held = new Map<string, () => void>();
  const domain = (service: string): DomainClient => ({
    service,
    async getItems(userId) {
      calls.push(`${service}:${userId}`);
      if (userId.startsWith('slow')) await new Promise<void>((resolve) => held.set(`${service}:${userId}`, resolve));
      return { asOf: new Date().toISOString(), items: [] };
    },
    circuit: () => 'closed',
    close: async () => {},
  });
  const deps: BuilderDeps = {
    domain: {
      accounts: domain('accounts'),
      partners: domain('partners'),
      transactions: domain('transactions'),
      offers: domain('offers'),
    },
    preferences: { load: async (userId) => defaultPreferences(userId) },
    views: { load: async () => stored, write: async () => ({ written: true }) },
    snapshots: { load: async () => undefined },
    cache: { refresh: async () => true },
    events: { publishMany: async () => undefined },
    live: { publish: async () => 1 },
  };
  return { deps, calls, release: () => held.forEach((resolve) => resolve()) };
}
