import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { renderForClient, type EventEnvelope } from '../../dashboard/index.js';
import { resolveClientProfile } from '../../config/capability-matrix.js';
import { createEventProducer } from '../../adapters/kafka/event-producer.js';
import { topics } from '../../config/topics.js';
import { commands, runOps } from '../../cli/ops.js';
import { bufferOutput } from '../../cli/ops/output.js';
import { rebuildBatchWorkflowId, rebuildWorkflowId } from '../../contract/workflows.js';
import { createWorkerHttp } from '../../workers/worker-http.js';
import { createWorkerMetrics } from '../../workers/worker-metrics.js';
import { account, card, partner } from '../support/fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { serveApp } from '../support/serve-app.js';
import { unique } from '../support/unique.js';

// Every ops command against the real stack: a real worker on its own task queue and keyspace.
let platform: TestPlatform;
beforeAll(async () => {
  // Breakers open during the simulated outages below and half-open quickly, as after a short outage.
  platform = await startTestPlatform({ ownKeyspace: true, halfOpenAfterMs: 500 });
});
afterAll(async () => {
  await platform?.stop();
});

const services = ['accounts', 'partners', 'offers', 'transactions'] as const;

async function opsWith(env: Record<string, string>, ...argv: string[]) {
  const out = bufferOutput();
  const code = await runOps(argv, out, {
    ...process.env,
    TEMPORAL_TASK_QUEUE: platform.config.TEMPORAL_TASK_QUEUE,
    CASSANDRA_KEYSPACE: platform.config.CASSANDRA_KEYSPACE,
    ...env,
  });
  return { code, text: out.text() };
}
const ops = (...argv: string[]) => opsWith({}, ...argv);

function seed(userId: string) {
  platform.domain.setItems('accounts', userId, [account('acc-1', 'Girokonto')]);
  platform.domain.setItems('partners', userId, [partner('p-1', 'Allianz')]);
  platform.domain.setItems('offers', userId, [
    {
      ...card('w-grid', 'Versicherungen'),
      component_type: 'ProductGrid',
      fallback: { component_type: 'Card', data: { title: 'Versicherungen' } },
    },
  ]);
}

describe('ops CLI', () => {
  it("status shows a consumer group's lag per topic, read from Kafka", async () => {
    const groupId = unique('ops-status-group');
    const kafka = new Kafka({
      clientId: 'ops-status-test',
      brokers: platform.config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    try {
      const topic = topics.dashboardUpdated;
      await producer.send({
        topic,
        messages: [0, 1, 2].map((i) => ({ partition: 0, key: groupId, value: `not for anyone ${i}` })),
      });
      // The group has read everything but those three.
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({
          partition,
          offset: String(partition === 0 ? Number(high) - 3 : Number(high)),
        })),
      });
      const { text } = await opsWith({ BRIDGE_GROUP_ID: groupId }, 'status');
      expect(text).toContain(`kafka lag of consumer group ${groupId}`);
      expect(text).toMatch(new RegExp(`\\n  ${topic.replace('.', '\\.')} +3\\n`));
    } finally {
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    }
  });

  it("status shows the worker's circuit breaker per domain service, read from its /metrics", async () => {
    const registry = new Registry();
    createWorkerMetrics(registry, platform.deps.domain);
    const worker = await serveApp(
      createWorkerHttp({ registry, sdkMetricsUrl: 'http://127.0.0.1:1/metrics', polling: () => true }),
    );
    const port = new URL(worker.baseUrl).port;
    platform.domain.setMode('partners', 'error');
    try {
      // Consecutive failed calls open the partners breaker; the builds show that section from snapshots.
      for (let i = 0; i < 10 && platform.deps.domain.partners.circuit() !== 'open'; i++)
        await platform.workflows.rebuildNow(unique('breaker'), 'admin', 30_000).catch(() => undefined);
      expect(platform.deps.domain.partners.circuit()).toBe('open');
      const { text } = await opsWith({ WORKER_PORT: port }, 'status');
      expect(text).toContain(`circuit breakers of the worker at http://127.0.0.1:${port}`);
      expect(text).toMatch(/\n {2}partners +open\n/);
      expect(text).toMatch(/\n {2}accounts +closed\n/);
    } finally {
      platform.domain.setMode('partners', 'ok');
      await worker.close();
    }
    // Without a worker to ask, status says so instead of guessing.
    expect((await opsWith({ WORKER_PORT: port }, 'status')).text).toContain(
      'unavailable: its /metrics does not answer',
    );
  });

  it('has --help on every command and refuses bad usage with exit code 2', async () => {
    for (const command of commands) {
      const help = await ops(command.name, '--help');
      expect(help.code, command.name).toBe(0);
      expect(help.text, command.name).toMatch(new RegExp(`^Usage: ops ${command.name} `));
      for (const option of command.options ?? []) expect(help.text, command.name).toContain(option.flags);
      expect(help.text, command.name).toMatch(/example: npm run ops -- /);
    }
    expect((await ops('no-such-command')).code).toBe(2);
    expect((await ops('view')).code).toBe(2);
    expect((await ops('view', 'u-1', 'u-2')).code).toBe(2);
    expect((await ops('rebuild-all', '--rates', '5')).code).toBe(2);
    // An unknown command names the ones there are.
    expect((await ops('no-such-command')).text).toContain('rebuild-all');
    expect((await ops('failed', '--since', 'yesterday')).code).toBe(2);
    expect((await ops('erase', 'u-1')).text).toMatch(/--yes/);
  });

  it('view shows the dashboard exactly as an app version receives it, with source and freshness', async () => {
    const userId = unique('u');
    seed(userId);
    const canonical = await platform.workflows.rebuildNow(userId, 'admin', 30_000);

    const json = await ops('view', userId, '--platform', 'ios', '--version', '2.3.0', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.text)).toEqual(renderForClient(canonical, resolveClientProfile('ios', '2.3.0')));

    const human = await ops('view', userId, '--platform', 'ios', '--version', '2.3.0');
    expect(human.text).toContain('profile ios-v2');
    expect(human.text).toMatch(/source: cache \(ETag /);
    expect(human.text).toMatch(/widgets .* fresh/);
    expect((await ops('view', unique('u'))).code).toBe(1);
  });

  it('rebuild and rebuild-all go through rebuildMany and report success', async () => {
    const userId = unique('u');
    seed(userId);
    const one = await ops('rebuild', userId);
    expect(one.code).toBe(0);
    expect(one.text).toMatch(/1 rebuilt, 0 failed/);

    // This test's keyspace holds only this file's users, so "every user" is a small, known set.
    const all = await ops('rebuild-all', '--rate', '50');
    expect(all.code).toBe(0);
    expect(all.text).toMatch(/rebuild-all: \d+ rebuilt, 0 failed/);
    const rebuilt = Number(/rebuild-all: (\d+) rebuilt/.exec(all.text)?.[1]);
    expect(rebuilt).toBeGreaterThanOrEqual(1);
    expect(rebuilt).toBe((await platform.deps.views.listUsers(1000)).userIds.length);
  });

  it('failed lists rebuilds that failed during an outage, and replay-failed fixes them', async () => {
    const users = [unique('u'), unique('u')];
    for (const service of services) platform.domain.setMode(service, 'error');
    try {
      for (const userId of users) await expect(platform.workflows.rebuildNow(userId, 'miss', 30_000)).rejects.toThrow();
    } finally {
      for (const service of services) platform.domain.setMode(service, 'ok');
    }
    const queue = ['--task-queue', platform.config.TEMPORAL_TASK_QUEUE];
    // A run fails a moment after its caller heard (it lingers for late triggers), and visibility follows.
    const listsBoth = (text: string) =>
      users.every((userId) => new RegExp(`FAILED\\s+${userId}\\s+no source answered`).test(text));
    await expect
      .poll(async () => listsBoth((await ops('failed', '--since', '10m', ...queue)).text), { timeout: 10_000 })
      .toBe(true);
    expect((await ops('failed', '--since', '10m', ...queue)).code).toBe(1);

    const dry = await ops('replay-failed', '--since', '10m', '--dry-run', ...queue);
    expect(dry.code, dry.text).toBe(0);
    for (const userId of users) expect(dry.text).toContain(`would rebuild ${userId}`);

    for (const userId of users) seed(userId);
    // After the half-open interval, one user per second: the first rebuild is the breakers' trial call.
    await new Promise((r) => setTimeout(r, 600));
    const replayed = await ops('replay-failed', '--since', '10m', '--rate', '1', ...queue);
    expect(replayed.code, replayed.text).toBe(0);
    expect(replayed.text).toMatch(/replay-failed: 2 rebuilt, 0 failed/);
    for (const userId of users)
      expect((await platform.deps.views.load(userId))?.sections.accounts.items[0]?.name).toBe('Girokonto');
  });

  it('unsettled lists users shown stale while a source is down, with what is left, until the source answers again', async () => {
    // One rebuilt on its own (as an operator or a miss does), one in a batch (as the bridge does).
    const [own, batched] = [unique('u'), unique('u')];
    for (const userId of [own, batched]) {
      seed(userId);
      await platform.workflows.rebuildNow(userId, 'miss', 30_000);
    }
    const batchKey = unique('ops-batch');
    const queue = ['--task-queue', platform.config.TEMPORAL_TASK_QUEUE];
    const lineOf = (text: string, userId: string) => text.split('\n').find((l) => l.includes(` ${userId} `));
    const listed = async () => {
      const { text } = await ops('unsettled', ...queue);
      return [lineOf(text, own), lineOf(text, batched)];
    };
    platform.domain.setMode('partners', 'error');
    try {
      // Built from the partners' last snapshot, marked stale: the builds fall short and are retried.
      // (An operator's rebuild, since a miss so soon after the first build would be answered with it.)
      const shown = await platform.workflows.rebuildNow(own, 'admin', 30_000);
      expect(shown.sections.partners.freshness.stale).toBe(true);
      await platform.workflows.startRebuildBatch(batchKey, [{ userId: batched, trigger: 'event' }]);
      await expect
        .poll(listed, { timeout: 10_000 })
        .toEqual([
          expect.stringMatching(new RegExp(`retries\\s+${own}\\s+sources\\s+${rebuildWorkflowId(own)}$`)),
          expect.stringMatching(new RegExp(`retries\\s+${batched}\\s+sources\\s+${rebuildBatchWorkflowId(batchKey)}$`)),
        ]);
      expect((await ops('unsettled', ...queue)).code).toBe(1);
      // Not failed: `failed` does not list them.
      const failedText = (await ops('failed', '--since', '10m', ...queue)).text;
      expect([failedText.includes(own), failedText.includes(batched)]).toEqual([false, false]);
    } finally {
      platform.domain.setMode('partners', 'ok');
    }
    // The next retry (at most 20 s away) finds the partners answering, and both are settled.
    await expect.poll(listed, { timeout: 40_000 }).toEqual([undefined, undefined]);
    for (const userId of [own, batched])
      expect((await platform.deps.views.load(userId))?.sections.partners.freshness.stale).toBe(false);
  });

  it('replay-events rebuilds exactly the users who had events since the given time', async () => {
    const prefix = unique('replay');
    const [withEvents, other] = [`${prefix}-a`, `${prefix}-b`];
    seed(withEvents);
    seed(other);
    const from = new Date();
    const kafka = new Kafka({
      clientId: unique('test'),
      brokers: platform.config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    });
    const producer = createEventProducer(kafka);
    const event: EventEnvelope = {
      id: unique('evt'),
      type: 'AccountUpdated',
      source: 'accounts',
      subject: withEvents,
      time: new Date().toISOString(),
      schemaVersion: 1,
      data: account('acc-1', 'Girokonto'),
    };
    await producer.publishMany(topics.accounts, [event]);
    await producer.disconnect();

    const dry = await ops('replay-events', '--from', from.toISOString(), '--prefix', prefix, '--dry-run');
    expect(dry.code, dry.text).toBe(0);
    expect(dry.text).toContain(`would rebuild ${withEvents}`);
    expect(dry.text).not.toContain(other);

    const run = await ops('replay-events', '--from', from.toISOString(), '--prefix', prefix);
    expect(run.code, run.text).toBe(0);
    expect(run.text).toMatch(/replay-events: 1 rebuilt, 0 failed/);
    expect(await platform.deps.views.load(withEvents)).toBeDefined();
    expect(await platform.deps.views.load(other)).toBeUndefined();
  });

  it('history prints the audit trail, and erase leaves nothing behind in any store', async () => {
    const userId = unique('u');
    seed(userId);
    await platform.workflows.changePreferences(
      { userId, requestKey: 'r1', expectedVersion: 0, change: { kind: 'patch', patch: { layout: 'grid' } } },
      30_000,
    );
    await platform.workflows.changePreferences(
      {
        userId,
        requestKey: 'r2',
        expectedVersion: 1,
        change: { kind: 'patch', patch: { sections: { accounts: { hidden: ['acc-1'] } } } },
      },
      30_000,
    );
    await platform.workflows.rebuildNow(userId, 'admin', 30_000);

    const trail = await ops('history', userId);
    expect(trail.code).toBe(0);
    expect(trail.text.indexOf('v2 ')).toBeLessThan(trail.text.indexOf('v1 '));
    expect(trail.text).toMatch(/request r2/);
    expect(trail.text).toMatch(/hidden \[acc-1\]/);

    const erased = await ops('erase', userId, '--yes');
    expect(erased.code).toBe(0);
    // A note says how long the receipt takes (on stderr, which the buffer captures too), then the receipt.
    const [note, ...json] = erased.text.split('\n');
    expect(note).toMatch(/the receipt follows in about \d+ s/);
    const receipt = JSON.parse(json.join('\n')) as { deleted: Record<string, number> };
    expect(receipt.deleted).toMatchObject({
      preferences: 1,
      preferenceHistory: 2,
      dashboardViews: 1,
      encryptionKeys: 1,
    });
    expect(receipt.deleted['domainSnapshots']).toBeGreaterThanOrEqual(3);
    expect(receipt.deleted['cacheEntries']).toBeGreaterThan(0);

    const { deps } = platform;
    expect((await deps.preferences.load(userId)).version).toBe(0);
    expect((await deps.preferences.history(userId, 10)).entries).toEqual([]);
    expect(await deps.views.load(userId)).toBeUndefined();
    for (const source of ['accounts', 'partners', 'offers', 'insights'])
      expect(await deps.snapshots.load(userId, source)).toBeUndefined();
    expect(await deps.cache.get(userId, resolveClientProfile('ios', '4.0.0'))).toBeUndefined();
    const rebuild = await platform.client.workflow.getHandle(rebuildWorkflowId(userId)).describe();
    expect(rebuild.status.name).not.toBe('RUNNING');
    expect((await ops('history', userId)).text).toMatch(/no preference history/);
  });
});
