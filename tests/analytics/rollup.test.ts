import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawEvent } from '../../adapters/postgres/analytics-store.js';
import { ensureRollupSchedules, rollupScheduleIds, runBackfill } from '../../adapters/temporal/analytics-workflows.js';
import { runOps } from '../../cli/ops.js';
import { bufferOutput } from '../../cli/ops/output.js';
import { analyticsTaskQueue, loadConfig } from '../../config/index.js';
import { addDays, utcDay } from '../../dashboard/days.js';
import type { rollupAnalytics } from '../../workflows/analytics/rollup.js';
import { createAnalyticsWorker } from '../../workers/analytics/create-analytics-worker.js';
import { createTestAnalytics, type TestAnalytics } from '../support/analytics.js';
import { unique } from '../support/unique.js';

/**
 * Rollups on the real analytics store (a schema of this test's own) and the real Temporal server (a
 * task queue of its own): a seeded day gives the figures computed by hand below, again and again.
 */
const config = loadConfig();
const baseQueue = unique('analytics-queue');
const taskQueue = analyticsTaskQueue({ TEMPORAL_TASK_QUEUE: baseQueue });
const today = utcDay(Date.now());
const day = addDays(today, -3);
let analytics: TestAnalytics;
let connection: Connection;
let client: Client;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  analytics = await createTestAnalytics(config);
  nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  worker = await createAnalyticsWorker({
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    deps: { store: analytics.store },
  });
  running = worker.run();
  connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
  await analytics?.drop();
});

let seq = 0;
const event = (type: string, userId: string, at: string, data: Record<string, unknown>, on = day): RawEvent => ({
  eventId: `${type}-${++seq}`,
  type,
  userId,
  occurredAt: `${on}T${at}:00.000Z`,
  data,
});
const viewed = (
  userId: string,
  at: string,
  platform: string,
  appVersion: string,
  source: string,
  latencyMs: number,
  etagHit: boolean,
  offerIds: string[],
  on = day,
) =>
  event(
    'DashboardViewed',
    userId,
    at,
    { userId, platform, appVersion, profile: `${platform}-v4`, source, latencyMs, etagHit, offerIds },
    on,
  );
const section = (sort: string, order: string[] = [], hidden: string[] = [], pinned: string[] = []) => ({
  sort,
  order,
  hidden,
  pinned,
});
const changed = (userId: string, at: string, layout: string, sections: Record<string, unknown>) =>
  event('PreferencesChanged', userId, at, {
    userId,
    version: 2,
    updatedAt: `${day}T${at}:00.000Z`,
    preferences: { userId, version: 2, updatedAt: `${day}T${at}:00.000Z`, layout, sections, widgetSettings: {} },
  });
const updated = (trigger: string, lagMs?: number) =>
  event('DashboardUpdated', 'u-1', '14:00', {
    userId: 'u-1',
    version: 1,
    builtAt: `${day}T14:00:00.000Z`,
    trigger,
    ...(lagMs === undefined ? {} : { lagMs }),
  });

/** One day of facts, small enough to count by hand. */
const seeded: RawEvent[] = [
  viewed('u-1', '08:00', 'ios', '4.0.0', 'cache', 10, false, ['o-1']),
  viewed('u-1', '09:00', 'ios', '4.0.0', 'cache', 20, true, ['o-1']),
  viewed('u-2', '10:00', 'android', '3.2.0', 'view', 30, false, ['o-1', 'o-2']),
  viewed('u-3', '11:00', 'ios', '4.1.0', 'rebuild', 100, false, []),
  // u-1 updated the app before noon: their preference change counts for 4.1.0.
  viewed('u-1', '12:00', 'ios', '4.1.0', 'cache', 40, false, ['o-2']),
  // Other days do not count.
  viewed('u-1', '12:00', 'ios', '4.1.0', 'cache', 999, false, ['o-9'], addDays(day, -1)),
  viewed('u-1', '12:00', 'ios', '4.1.0', 'cache', 999, false, ['o-9'], addDays(day, 1)),
  changed('u-1', '12:30', 'grid', {
    accounts: section('custom', ['a-1', 'a-2'], ['a-3']),
    partners: section('alphabetical', [], ['p-1'], ['p-2']),
    widgets: section('custom'),
  }),
  // u-2 changed twice: only the preferences they ended the day with count, and they count once.
  changed('u-2', '12:45', 'grid', {
    accounts: section('custom', ['a-2', 'a-1'], ['a-4']),
    partners: section('alphabetical', [], [], ['p-3']),
    widgets: section('priority'),
  }),
  changed('u-2', '13:00', 'list', {
    accounts: section('balance_desc', [], ['a-3']),
    partners: section('custom', ['p-2', 'p-1'], [], ['p-2']),
    widgets: section('priority'),
  }),
  // An older producer's event says nothing about the document: not a personalisation fact.
  event('PreferencesChanged', 'u-3', '13:30', { userId: 'u-3', version: 1, updatedAt: `${day}T13:30:00.000Z` }),
  event('ContractPurchased', 'u-2', '13:40', { contractId: 'c-1', offerId: 'o-2', purchasedAt: `${day}T13:40:00Z` }),
  // Bought without opening the dashboard that day: the platform is unknown.
  event('ContractPurchased', 'u-4', '13:50', { contractId: 'c-2', offerId: 'o-1', purchasedAt: `${day}T13:50:00Z` }),
  updated('event', 100),
  updated('event', 300),
  updated('preferences', 50),
  updated('miss'),
  event('DashboardRebuildFailed', 'u-9', '15:00', { userId: 'u-9', trigger: 'event', reason: 'nothing to show' }),
  event('DashboardRebuildFailed', 'u-9', '15:30', { userId: 'u-9', trigger: 'admin', reason: 'nothing to show' }),
];

const range = { from: day, to: day };
const insights = async (platform?: 'ios' | 'android' | 'web') => {
  const query = { ...range, ...(platform ? { platform } : {}) };
  const { store } = analytics;
  return {
    usage: await store.usage(query),
    personalisation: await store.personalisation(query),
    offers: await store.offers(query),
    rebuilds: await store.rebuilds(query),
  };
};

/** Every summary row of the schema, to compare two rollups of the same day. */
const summaryTables = async () => {
  const tables = ['usage_daily', 'usage_source_daily', 'personalisation_daily', 'offer_daily', 'rebuild_daily'];
  return Promise.all(
    tables.map(async (t) => (await analytics.pool.query(`SELECT * FROM ${t} ORDER BY 1, 2, 3, 4`)).rows),
  );
};

describe('analytics rollups', () => {
  it('a seeded day, rolled up by the backfill workflow, gives the figures counted by hand', async () => {
    expect(await analytics.store.insertEvents(seeded)).toBe(seeded.length);
    const progress: number[] = [];
    const result = await runBackfill(client, {
      taskQueue,
      from: day,
      to: day,
      pollMs: 100,
      onProgress: (p) => progress.push(p.done),
    });
    expect(result.days).toEqual([{ day, rawEvents: 17 }]);

    const all = await insights();
    expect(all.usage).toEqual({
      days: [{ day, opens: 5, distinctUsers: 3 }],
      sources: [
        // Latencies 10, 20, 40 ms: percentile_cont interpolates between them.
        { day, source: 'cache', opens: 3, etagHits: 1, p50Ms: 20, p95Ms: 38, p99Ms: 39.6 },
        { day, source: 'rebuild', opens: 1, etagHits: 0, p50Ms: 100, p95Ms: 100, p99Ms: 100 },
        { day, source: 'view', opens: 1, etagHits: 0, p50Ms: 30, p95Ms: 30, p99Ms: 30 },
      ],
      versions: [
        { platform: 'ios', appVersion: '4.0.0', opens: 2, distinctUsers: 1 },
        { platform: 'ios', appVersion: '4.1.0', opens: 2, distinctUsers: 2 },
        { platform: 'android', appVersion: '3.2.0', opens: 1, distinctUsers: 1 },
      ],
    });
    expect(all.personalisation).toEqual({
      users: 2,
      sorts: [
        { section: 'accounts', sort: 'balance_desc', users: 1 },
        { section: 'accounts', sort: 'custom', users: 1 },
        { section: 'partners', sort: 'alphabetical', users: 1 },
        { section: 'partners', sort: 'custom', users: 1 },
        { section: 'widgets', sort: 'custom', users: 1 },
        { section: 'widgets', sort: 'priority', users: 1 },
      ],
      // u-1's widgets are "custom" with no order of their own: the default order, not a custom one.
      customOrder: [
        { section: 'accounts', platform: 'ios', appVersion: '4.1.0', users: 1 },
        { section: 'partners', platform: 'android', appVersion: '3.2.0', users: 1 },
      ],
      layouts: [
        { layout: 'grid', users: 1 },
        { layout: 'list', users: 1 },
      ],
      topHidden: [
        { section: 'accounts', itemId: 'a-3', users: 2 },
        { section: 'partners', itemId: 'p-1', users: 1 },
      ],
      topPinned: [{ section: 'partners', itemId: 'p-2', users: 2 }],
    });
    expect(all.offers).toEqual({
      offers: [
        { offerId: 'o-1', shownUsers: 2, purchases: 1, conversion: 0.5 },
        { offerId: 'o-2', shownUsers: 2, purchases: 1, conversion: 0.5 },
      ],
    });
    expect(all.rebuilds).toEqual({
      days: [
        { day, trigger: 'admin', rebuilds: 0, failures: 1, lagP50Ms: null, lagP95Ms: null },
        { day, trigger: 'event', rebuilds: 2, failures: 1, lagP50Ms: 200, lagP95Ms: 290 },
        { day, trigger: 'miss', rebuilds: 1, failures: 0, lagP50Ms: null, lagP95Ms: null },
        { day, trigger: 'preferences', rebuilds: 1, failures: 0, lagP50Ms: 50, lagP95Ms: 50 },
      ],
    });

    const android = await insights('android');
    expect(android.usage.days).toEqual([{ day, opens: 1, distinctUsers: 1 }]);
    expect(android.usage.versions).toEqual([{ platform: 'android', appVersion: '3.2.0', opens: 1, distinctUsers: 1 }]);
    expect(android.personalisation.users).toBe(1);
    expect(android.offers.offers).toEqual([
      { offerId: 'o-1', shownUsers: 1, purchases: 0, conversion: 0 },
      { offerId: 'o-2', shownUsers: 1, purchases: 1, conversion: 1 },
    ]);

    // Re-running the day gives the same rows; so does a redelivered event, which is not stored twice.
    const before = await summaryTables();
    expect(await analytics.store.insertEvents(seeded.slice(0, 3))).toBe(0);
    await analytics.store.rollupDay(day, true);
    expect(await summaryTables()).toEqual(before);
  });

  it('the daily rollup drops raw events past retention only from days that were rolled up complete', async () => {
    const rolledUp = addDays(today, -100);
    const never = addDays(today, -101);
    await analytics.store.insertEvents([
      viewed('u-5', '08:00', 'web', '4.0.0', 'cache', 5, false, [], rolledUp),
      viewed('u-5', '09:00', 'web', '4.0.0', 'cache', 5, false, [], rolledUp),
      viewed('u-5', '08:00', 'web', '4.0.0', 'cache', 5, false, [], never),
    ]);
    await runBackfill(client, { taskQueue, from: rolledUp, to: rolledUp });

    const summary = await client.workflow.execute<typeof rollupAnalytics>('rollupAnalytics', {
      taskQueue,
      workflowId: unique('rollup-daily'),
      args: [{ kind: 'daily', retentionDays: 30 }],
    });
    expect(summary.expired).toBe(2);
    expect(summary.days.map((d) => d.day)).toEqual([addDays(today, -2), addDays(today, -1)]);
    const left = await analytics.pool.query<{ day: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM raw_events WHERE user_id = 'u-5'`,
    );
    expect(left.rows).toEqual([{ day: never }]);
    // The summaries of an expired day stay.
    expect((await analytics.store.usage({ from: rolledUp, to: rolledUp })).days).toEqual([
      { day: rolledUp, opens: 2, distinctUsers: 1 },
    ]);
  });

  it('`ops analytics-backfill` rolls up a range with progress, and refuses a range it cannot take', async () => {
    const ops = async (...argv: string[]) => {
      const out = bufferOutput();
      const code = await runOps(argv, out, { ...process.env, TEMPORAL_TASK_QUEUE: baseQueue });
      return { code, text: out.text() };
    };
    // The day seeded above, and the one before it (one event of another day).
    const from = addDays(day, -1);
    const done = await ops('analytics-backfill', '--from', from, '--to', day);
    expect(done.code).toBe(0);
    expect(done.text).toContain(`${from}: rolled up from 1 raw events`);
    expect(done.text).toContain(`${day}: rolled up from 17 raw events`);

    for (const argv of [
      ['--from', day, '--to', from],
      ['--from', '24.11.2026'],
      ['--to', day],
      ['--from', addDays(today, 1)],
      ['--from', addDays(day, -400), '--to', day],
    ]) {
      const refused = await ops('analytics-backfill', ...argv);
      expect(refused.code, argv.join(' ')).toBe(2);
      expect(refused.text).toContain('Usage: ops analytics-backfill');
    }
  });

  it('keeps an hourly and a daily schedule of rollups, and setting them again changes nothing', async () => {
    const ids = rollupScheduleIds(taskQueue);
    try {
      expect(await ensureRollupSchedules(client, { taskQueue, retentionDays: 35 })).toEqual([ids.hourly, ids.daily]);
      await ensureRollupSchedules(client, { taskQueue, retentionDays: 35 });
      const hourly = await client.schedule.getHandle(ids.hourly).describe();
      const daily = await client.schedule.getHandle(ids.daily).describe();
      expect(hourly.spec.intervals).toEqual([{ every: 3_600_000, offset: 300_000 }]);
      expect(daily.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 0, end: 0, step: 1 }] });
      for (const schedule of [hourly, daily]) {
        expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'rollupAnalytics', taskQueue });
      }
      expect(hourly.action.type === 'startWorkflow' && hourly.action.args).toEqual([
        { kind: 'hourly', retentionDays: 35 },
      ]);
    } finally {
      await client.schedule.getHandle(ids.hourly).delete();
      await client.schedule.getHandle(ids.daily).delete();
    }
  });
});
