import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type IHeaders, type Kafka } from 'kafkajs';
import { listUserWorkflows } from '../../adapters/temporal/workflow-inspection.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { topics as platformTopics } from '../../config/topics.js';
import type { Trigger } from '../../contract/workflows.js';
import { createBridge, type BridgeDeps, type BridgeOptions } from '../../workers/bridge/create-bridge.js';
import { createBridgeHttp } from '../../workers/bridge/http.js';
import {
  createTestTopics,
  groupProgress,
  metricValue,
  silent,
  startTestBridge,
  testKafka,
  type TestBridge,
  type TestTopics,
} from '../e2e/support.js';
import { consumeFromNow } from '../support/kafka.js';
import { unique } from '../support/unique.js';

/**
 * The bridge against real Kafka (topics of its own) and, for poison messages, the real Temporal
 * server on a task queue of its own. Temporal refusing work is played by a trigger function that
 * fails the way the SDK does (a gRPC status code), so the test controls exactly when it recovers.
 */
const config = { ...loadConfig(), TEMPORAL_TASK_QUEUE: unique('bridge-queue') };
let kafka: Kafka;
let topics: TestTopics & { remove(): Promise<void> };

beforeAll(async () => {
  kafka = testKafka(config);
  topics = await createTestTopics(kafka);
});
afterAll(async () => {
  await topics?.remove();
});

const envelope = (
  userId: string,
  type = 'AccountClosed',
  data: unknown = { accountId: 'acc-1', closedAt: '2026-01-02T03:04:05.000Z' },
) =>
  JSON.stringify({
    id: unique('evt'),
    type,
    source: 'accounts',
    subject: userId,
    time: '2026-01-02T03:04:05.000Z',
    schemaVersion: 1,
    data,
  });

async function produce(
  topic: string,
  messages: { key: string; value: string | Buffer; partition?: number }[],
): Promise<void> {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

interface Letter {
  key: string;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Reads the shared dead-letter topic from its current end, so only this test's letters are considered. */
async function watchDeadLetters(): Promise<{ letters: Letter[]; stop(): Promise<void> }> {
  const letters: Letter[] = [];
  const text = (headers: IHeaders | undefined) =>
    Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
  const consumer = await consumeFromNow(kafka, platformTopics.deadLetter, (message) => {
    letters.push({ key: String(message.key), value: message.value, headers: text(message.headers) });
  });
  return { letters, stop: () => consumer.stop() };
}

/**
 * A bridge of its own group on one of this file's topics, whose Temporal is played by `startRebuilds`
 * (so a test controls exactly when and how it refuses); short backoffs keep the tests quick.
 */
function bridgeOn(
  groupId: string,
  topic: string,
  startRebuilds: BridgeDeps['startRebuilds'],
  options: BridgeOptions = {},
) {
  return createBridge({
    kafka: testKafka(config),
    groupId,
    topics: [topic],
    deadLetterTopic: platformTopics.deadLetter,
    startRebuilds,
    logger: silent,
    options: { backoff: { initialMs: 50, maxMs: 400 }, lagIntervalMs: 200, stopDeadlineMs: 10_000, ...options },
  });
}

describe('poison messages and unknown types', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge(config, topics.all);
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  it('dead-letters malformed messages with the reason and the original bytes, and keeps consuming', async () => {
    const watch = await watchDeadLetters();
    try {
      const [notJsonKey, badPayloadKey, goodUser] = [unique('poison'), unique('poison'), unique('u')];
      const notJson = Buffer.from([0x7b, 0x6e, 0x6f, 0xff, 0x00]);
      const badPayload = envelope(badPayloadKey, 'AccountClosed', { accountId: 'acc-1' });
      await produce(topics.domain.accounts, [
        { key: notJsonKey, value: notJson },
        { key: badPayloadKey, value: badPayload },
      ]);
      await produce(topics.domain.accounts, [{ key: goodUser, value: envelope(goodUser) }]);

      await expect
        .poll(() => watch.letters.filter((l) => l.key === notJsonKey || l.key === badPayloadKey).length, {
          timeout: 30_000,
        })
        .toBe(2);
      const byKey = (key: string) => watch.letters.find((l) => l.key === key);
      expect(byKey(notJsonKey)?.value).toEqual(notJson);
      expect(byKey(notJsonKey)?.headers).toMatchObject({
        'reason-code': 'EVENT_NOT_JSON',
        'original-topic': topics.domain.accounts,
      });
      expect(byKey(badPayloadKey)?.value?.toString()).toBe(badPayload);
      expect(byKey(badPayloadKey)?.headers).toMatchObject({
        'reason-code': 'EVENT_INVALID_PAYLOAD',
        'original-topic': topics.domain.accounts,
      });
      expect(byKey(badPayloadKey)?.headers['reason']).toContain('/data/closedAt');
      for (const letter of [byKey(notJsonKey), byKey(badPayloadKey)]) {
        expect(letter?.headers['original-partition']).toMatch(/^\d+$/);
        expect(letter?.headers['original-offset']).toMatch(/^\d+$/);
        expect(Date.parse(letter?.headers['failed-at'] ?? '')).not.toBeNaN();
      }

      // The valid event behind them started a batch rebuild covering the user on this test's task queue.
      await expect
        .poll(() => listUserWorkflows(bridge.client, goodUser, 100), { timeout: 30_000 })
        .toEqual([expect.objectContaining({ type: 'rebuildBatch', taskQueue: config.TEMPORAL_TASK_QUEUE })]);
      expect(
        await metricValue(bridge.bridge, 'bridge_messages_dead_lettered_total', { code: 'EVENT_NOT_JSON' }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        await metricValue(bridge.bridge, 'bridge_messages_dead_lettered_total', { code: 'EVENT_INVALID_PAYLOAD' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await watch.stop();
    }
  });

  it('dead-letters a malformed message on every topic it consumes and goes on with each of them', async () => {
    // Topics and a bridge of its own: the other tests here count what is on the shared ones.
    const own = await createTestTopics(kafka);
    const ownBridge = await startTestBridge(config, own.all);
    const watch = await watchDeadLetters();
    try {
      // One key for the poison and the event after it: one partition, the event queued right behind it.
      const poisoned = own.all.map((topic) => ({ topic, key: unique('u') }));
      for (const { topic, key } of poisoned)
        await produce(topic, [
          { key, value: Buffer.from('{"id": "cut off') },
          { key, value: envelope(key) },
        ]);

      await expect
        .poll(() => poisoned.filter(({ key }) => watch.letters.some((l) => l.key === key)).length, { timeout: 30_000 })
        .toBe(poisoned.length);
      for (const { topic, key } of poisoned)
        expect(watch.letters.find((l) => l.key === key)?.headers).toMatchObject({
          'reason-code': 'EVENT_NOT_JSON',
          'original-topic': topic,
        });
      // No partition stalled behind its poison: the event after it on every topic started a rebuild.
      for (const { key } of poisoned)
        await expect
          .poll(async () => (await listUserWorkflows(ownBridge.client, key, 10)).length, { timeout: 30_000 })
          .toBe(1);
    } finally {
      await watch.stop();
      await ownBridge.stop();
      await own.remove();
    }
  });

  it('counts and skips an unknown type in a valid envelope: no dead letter, no rebuild', async () => {
    const watch = await watchDeadLetters();
    try {
      const [futureUser, laterUser] = [unique('u'), unique('u')];
      await produce(topics.domain.offers, [
        { key: futureUser, value: envelope(futureUser, 'LoyaltyPointsEarned', { points: 10 }) },
      ]);
      await produce(topics.domain.offers, [{ key: laterUser, value: envelope(laterUser) }]);
      await expect
        .poll(
          () =>
            metricValue(bridge.bridge, 'bridge_events_skipped_total', {
              reason: 'unknown_type',
              topic: topics.domain.offers,
            }),
          { timeout: 30_000 },
        )
        .toBe(1);
      // A later event was handled, so the skipped one was behind us, not pending.
      await expect
        .poll(() => listUserWorkflows(bridge.client, laterUser, 100), { timeout: 30_000 })
        .toEqual([expect.objectContaining({ type: 'rebuildBatch', taskQueue: config.TEMPORAL_TASK_QUEUE })]);
      expect(await listUserWorkflows(bridge.client, futureUser, 100)).toEqual([]);
      expect(watch.letters.filter((l) => l.key === futureUser)).toEqual([]);
    } finally {
      await watch.stop();
    }
  });
});

describe('Temporal refusing work', () => {
  /** Fails like the SDK does while Temporal is overloaded, until `open` is set. */
  function flakyTemporal() {
    const accepted: { userId: string; trigger: Trigger }[] = [];
    let attempts = 0;
    const state = { open: false };
    return {
      state,
      accepted,
      attempts: () => attempts,
      async startRebuilds(users: { userId: string; trigger: Trigger }[]) {
        attempts++;
        if (!state.open)
          throw Object.assign(new Error('8 RESOURCE_EXHAUSTED: namespace rate limit exceeded'), { code: 8 });
        accepted.push(...users);
        return { finished: Promise.resolve() };
      },
    };
  }

  it('pauses without committing, resumes when Temporal accepts again, and skips nothing, also across a restart', async () => {
    const groupId = unique('bridge-pause');
    const temporal = flakyTemporal();
    const start = () => bridgeOn(groupId, topics.domain.partners, (users) => temporal.startRebuilds(users));
    const users = Array.from({ length: 12 }, () => unique('u'));
    await produce(
      topics.domain.partners,
      users.map((u) => ({ key: u, value: envelope(u) })),
    );

    // First bridge: Temporal refuses; the bridge pauses, retries, commits nothing, and stops cleanly.
    const first = start();
    await first.start();
    await expect.poll(() => metricValue(first, 'bridge_paused'), { timeout: 30_000 }).toBe(1);
    expect(first.health()).toMatchObject({ paused: true, lastFailure: { code: 'RESOURCE_EXHAUSTED' } });
    await expect.poll(() => temporal.attempts(), { timeout: 10_000 }).toBeGreaterThan(5);
    expect(
      await metricValue(first, 'bridge_retries_total', { operation: 'trigger', code: 'RESOURCE_EXHAUSTED' }),
    ).toBeGreaterThan(5);
    await expect.poll(() => metricValue(first, 'bridge_consumer_lag'), { timeout: 10_000 }).toBe(12);
    const t0 = Date.now();
    await first.stop();
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect((await groupProgress(kafka, groupId, [topics.domain.partners])).committed).toBe(0);

    // Second bridge, same group: still refused at first, then Temporal recovers.
    const second = start();
    await second.start();
    try {
      await expect.poll(() => metricValue(second, 'bridge_paused'), { timeout: 30_000 }).toBe(1);
      temporal.state.open = true;
      await expect
        .poll(() => new Set(temporal.accepted.map((a) => a.userId)).size, { timeout: 30_000 })
        .toBe(users.length);
      expect(new Set(temporal.accepted.map((a) => a.userId))).toEqual(new Set(users));
      await expect.poll(() => metricValue(second, 'bridge_paused'), { timeout: 10_000 }).toBe(0);
      expect(second.health()).toMatchObject({ state: 'running', paused: false });
      await expect
        .poll(async () => (await groupProgress(kafka, groupId, [topics.domain.partners])).behind, { timeout: 30_000 })
        .toBe(0);
      await expect.poll(() => metricValue(second, 'bridge_consumer_lag'), { timeout: 10_000 }).toBe(0);
      expect(await metricValue(second, 'bridge_rebuilds_triggered_total', { trigger: 'event' })).toBe(users.length);
    } finally {
      await second.stop();
    }
  });
});

describe('Temporal slow to accept', () => {
  it('reads on past a batch Temporal has not accepted yet, and commits the partition only up to what it accepted', async () => {
    const groupId = unique('bridge-read-on');
    const [slow, later] = [unique('u'), unique('u')];
    const accepted = new Set<string>();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Temporal takes its time over the start covering `slow`, and accepts everything else at once.
    const bridge = bridgeOn(groupId, topics.preferences, async (users) => {
      if (users.some((u) => u.userId === slow)) await held;
      for (const { userId } of users) accepted.add(userId);
      return { finished: Promise.resolve() };
    });
    const progress = () => groupProgress(kafka, groupId, [topics.preferences]);
    await bridge.start();
    try {
      await produce(topics.preferences, [{ key: slow, value: envelope(slow), partition: 0 }]);
      await expect.poll(() => metricValue(bridge, 'bridge_messages_consumed_total'), { timeout: 30_000 }).toBe(1);
      // A later event on the same partition is triggered while the earlier start is still waiting...
      await produce(topics.preferences, [{ key: later, value: envelope(later), partition: 0 }]);
      await expect.poll(() => accepted.has(later), { timeout: 30_000 }).toBe(true);
      await expect
        .poll(() => metricValue(bridge, 'bridge_rebuilds_triggered_total', { trigger: 'event' }), { timeout: 10_000 })
        .toBe(1);
      // ...but the partition's offset does not move past the event Temporal has not accepted, however
      // long the later one has been accepted (a commit of it alone would have landed within the second).
      await sleep(1_000);
      expect(accepted.has(slow)).toBe(false);
      expect((await progress()).committed).toBe(0);

      release();
      await expect.poll(() => accepted.has(slow), { timeout: 10_000 }).toBe(true);
      await expect.poll(async () => (await progress()).committed, { timeout: 30_000 }).toBe(2);
    } finally {
      release();
      await bridge.stop();
    }
  });
});

describe('Temporal refusing a rebuild for good', () => {
  it('dead-letters the refused user with the reason, triggers everyone else and commits the partition', async () => {
    const groupId = unique('bridge-rejected');
    const poison = unique('poison');
    const accepted = new Set<string>();
    // As the server answers a start it can never accept (e.g. a search attribute over its size limit).
    const bridge = bridgeOn(groupId, topics.domain.accounts, async (users) => {
      if (users.some((u) => u.userId === poison))
        throw Object.assign(new Error('3 INVALID_ARGUMENT: search attribute UserId exceeds size limit'), { code: 3 });
      for (const { userId } of users) accepted.add(userId);
      return { finished: Promise.resolve() };
    });
    const watch = await watchDeadLetters();
    const others = Array.from({ length: 8 }, () => unique('u'));
    await produce(
      topics.domain.accounts,
      [poison, ...others].map((u) => ({ key: u, value: envelope(u) })),
    );
    await bridge.start();
    try {
      await expect.poll(() => others.filter((u) => accepted.has(u)).length, { timeout: 30_000 }).toBe(others.length);
      await expect.poll(() => watch.letters.filter((l) => l.key === poison).length, { timeout: 30_000 }).toBe(1);
      expect(watch.letters.find((l) => l.key === poison)?.headers).toMatchObject({
        'reason-code': 'TEMPORAL_REJECTED',
        'original-topic': topics.domain.accounts,
      });
      expect(watch.letters.find((l) => l.key === poison)?.headers['reason']).toContain('INVALID_ARGUMENT');
      await expect
        .poll(async () => (await groupProgress(kafka, groupId, [topics.domain.accounts])).behind, { timeout: 30_000 })
        .toBe(0);
      expect(bridge.health()).toMatchObject({ state: 'running', paused: false });
    } finally {
      await bridge.stop();
      await watch.stop();
    }
  });
});

describe('starting positions', () => {
  /**
   * A bridge as the bridge process runs it (a new group starts at the end of the topics); Temporal accepts every user
   * it is handed, which lands in `accepted`.
   */
  const bridgeOfNewGroup = (groupId: string, topic: string, accepted: Set<string>) =>
    bridgeOn(
      groupId,
      topic,
      async (users) => {
        for (const { userId } of users) accepted.add(userId);
        return { finished: Promise.resolve() };
      },
      { fromBeginning: false },
    );

  it('commits a position on every partition when the group first starts, so events sent while no bridge runs are consumed after a restart', async () => {
    const groupId = unique('bridge-positions');
    const accepted = new Set<string>();
    const start = () => bridgeOfNewGroup(groupId, topics.domain.transactions, accepted);
    const before = unique('u');
    await produce(topics.domain.transactions, [{ key: before, value: envelope(before) }]);

    const first = start();
    // Ready (for the supervisor and orchestrators) only once the bridge holds partitions of its group.
    const readiness = async () => (await createBridgeHttp(first).request('/readyz')).status;
    expect(await readiness()).toBe(503);
    await first.start();
    await expect.poll(readiness, { timeout: 30_000 }).toBe(200);
    expect(first.health().joined).toBe(true);
    await first.stop();
    // Every partition has a position, also those no message was ever consumed from.
    const positions = await committedPositions(groupId, topics.domain.transactions);
    expect(positions).toHaveLength(3);
    expect(positions.every((offset) => offset >= 0)).toBe(true);

    // While no bridge runs, events arrive on every partition.
    const whileDown = Array.from({ length: 12 }, () => unique('u'));
    await produce(
      topics.domain.transactions,
      whileDown.map((u) => ({ key: u, value: envelope(u) })),
    );
    const second = start();
    await second.start();
    try {
      await expect
        .poll(() => whileDown.filter((u) => accepted.has(u)).length, { timeout: 30_000 })
        .toBe(whileDown.length);
      // What was there before the group first started is not replayed.
      expect(accepted.has(before)).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('starts two replicas of a new group at once at the end of the topics: neither replays what was there before', async () => {
    const groupId = unique('bridge-replicas');
    const accepted = new Set<string>();
    const replica = () => bridgeOfNewGroup(groupId, topics.domain.offers, accepted);
    const before = Array.from({ length: 6 }, () => unique('u'));
    await produce(
      topics.domain.offers,
      before.map((u) => ({ key: u, value: envelope(u) })),
    );

    const replicas = [replica(), replica()];
    await Promise.all(replicas.map((r) => r.start()));
    try {
      await expect.poll(() => replicas.every((r) => r.health().joined), { timeout: 30_000 }).toBe(true);
      const after = Array.from({ length: 12 }, () => unique('u'));
      await produce(
        topics.domain.offers,
        after.map((u) => ({ key: u, value: envelope(u) })),
      );
      await expect.poll(() => after.filter((u) => accepted.has(u)).length, { timeout: 30_000 }).toBe(after.length);
      expect(before.filter((u) => accepted.has(u))).toEqual([]);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });
});

async function committedPositions(groupId: string, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (offsets?.partitions ?? []).map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}
