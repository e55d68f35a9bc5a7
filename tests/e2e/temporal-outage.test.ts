import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../config/index.js';
import type { Account } from '../../dashboard/index.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import { startPrivateTemporal, type PrivateTemporal } from './private-temporal.js';
import {
  accountFacts,
  createTestTopics,
  groupProgress,
  metricValue,
  platformConfig,
  startDomainServices,
  startTestBridge,
  startWorker,
  testKafka,
  userBlock,
  type DomainServices,
  type TestBridge,
  type TestTopics,
  type TestWorker,
} from './support.js';

/**
 * Temporal goes away during a burst: the bridge pauses (no offset moves), resumes when Temporal is
 * back, and every event still ends up in its user's dashboard. The Temporal server is this test's own.
 */
let temporal: PrivateTemporal;
let config: Config;
let topics: TestTopics & { remove(): Promise<void> };
let services: DomainServices;
let worker: TestWorker;
let bridge: TestBridge;

beforeAll(async () => {
  const base = loadConfig();
  const bundle = bundleWorkflows();
  temporal = await startPrivateTemporal(base);
  topics = await createTestTopics(testKafka(base));
  services = await startDomainServices(base, topics);
  config = platformConfig(base, services, { TEMPORAL_ADDRESS: temporal.address });
  worker = await startWorker(config, await bundle);
  // A short backoff cap so the bridge notices the returning server within a couple of seconds.
  bridge = await startTestBridge(config, topics.all, { backoff: { initialMs: 200, maxMs: 2_000 } });
});

afterAll(async () => {
  await bridge?.stop();
  await worker?.stop();
  await services?.close();
  await temporal?.dispose();
  await topics?.remove();
});

async function dashboardsMatchDomain(users: readonly string[]): Promise<number> {
  const mismatched = await Promise.all(
    users.map(async (userId) => {
      const truth = (await services.call('accounts', 'GET', `/v1/users/${userId}/accounts`)).body as {
        items: Account[];
      };
      const view = await worker.deps.views.load(userId);
      return (
        JSON.stringify(accountFacts(view?.sections.accounts.items ?? [])) !== JSON.stringify(accountFacts(truth.items))
      );
    }),
  );
  return mismatched.filter(Boolean).length;
}

describe('Temporal outage', () => {
  it('pauses the bridge, commits nothing past the outage, and loses nothing once Temporal is back', async () => {
    const users = userBlock(8);
    const kafka = testKafka(config);
    const accountIds = new Map<string, string>();
    for (const [u, userId] of users.entries()) {
      const opened = await services.call('accounts', 'POST', `/v1/users/${userId}/accounts`, {
        name: `Before ${u}`,
        type: 'savings',
        initialBalance: 500,
      });
      expect(opened.status).toBe(201);
      accountIds.set(userId, (opened.body as { data: { id: string } }).data.id);
    }
    await expect.poll(() => dashboardsMatchDomain(users), { timeout: 60_000, interval: 500 }).toBe(0);

    await temporal.stop();
    for (const [u, userId] of users.entries()) {
      const accountId = accountIds.get(userId);
      expect(
        (await services.call('accounts', 'PATCH', `/v1/users/${userId}/accounts/${accountId}`, { name: `During ${u}` }))
          .status,
      ).toBe(200);
      const posted = await services.call('transactions', 'POST', `/v1/users/${userId}/transactions`, {
        accountId,
        amount: { amount: -(u + 1), currency: 'EUR' },
        description: 'while Temporal is down',
      });
      expect(posted.status).toBe(201);
    }

    // Paused: the trigger fails, the group's committed offsets stay behind the new events and do not move.
    await expect.poll(() => metricValue(bridge.bridge, 'bridge_paused'), { timeout: 30_000, interval: 250 }).toBe(1);
    expect(bridge.bridge.health()).toMatchObject({ state: 'running', paused: true });
    await expect.poll(() => services.pendingEvents(), { timeout: 30_000 }).toBe(0);
    const during = await groupProgress(kafka, bridge.groupId, topics.all);
    expect(during.behind).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await groupProgress(kafka, bridge.groupId, topics.all)).committed).toBe(during.committed);
    expect(await metricValue(bridge.bridge, 'bridge_retries_total', { operation: 'trigger' })).toBeGreaterThan(0);
    await expect.poll(() => metricValue(bridge.bridge, 'bridge_consumer_lag'), { timeout: 10_000 }).toBe(during.behind);

    await temporal.start();
    await expect.poll(() => metricValue(bridge.bridge, 'bridge_paused'), { timeout: 60_000, interval: 250 }).toBe(0);
    await expect.poll(() => dashboardsMatchDomain(users), { timeout: 90_000, interval: 1_000 }).toBe(0);
    const after = await groupProgress(kafka, bridge.groupId, topics.all);
    // 8 users x (open, rename, transaction + its balance update) events, all committed.
    expect(after).toMatchObject({ end: users.length * 4, behind: 0 });
    // What the dashboards show is what was written during the outage.
    const view = await worker.deps.views.load(users[0] ?? '');
    expect(view?.sections.accounts.items.find((a) => a.id === accountIds.get(users[0] ?? ''))).toMatchObject({
      name: 'During 0',
      balance: { amount: 499 },
    });
  });
});
