import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCassandraClient } from '../../adapters/cassandra/client.js';
import { createUserKeyStore, type UserKeyStore } from '../../adapters/cassandra/user-key-store.js';
import { sealJson } from '../../adapters/crypto/user-cipher.js';
import { loadConfig } from '../../config/index.js';
import { richPreferences } from '../dashboard/fixtures.js';
import { createAnalyticsConsumer, type AnalyticsConsumer } from '../../workers/analytics/create-analytics-consumer.js';
import { createTestTopics, silent, testKafka, type TestTopics } from '../e2e/support.js';
import { createTestAnalytics, type TestAnalytics } from '../support/analytics.js';
import { consumeFromNow } from '../support/kafka.js';
import { unique } from '../support/unique.js';

/** The analytics consumer on real Kafka (topics of its own) and the real analytics store (a schema of its own). */
const config = loadConfig();
let kafka: Kafka;
let topics: TestTopics & { remove(): Promise<void> };
let analytics: TestAnalytics;
let cassandra: ReturnType<typeof createCassandraClient>;
let keys: UserKeyStore;
const deadLetterTopic = unique('analytics-dead');

beforeAll(async () => {
  kafka = testKafka(config);
  topics = await createTestTopics(kafka, 2);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: deadLetterTopic, numPartitions: 1 }] });
  await admin.disconnect();
  analytics = await createTestAnalytics(config);
  cassandra = createCassandraClient(config);
  keys = createUserKeyStore(cassandra);
});
afterAll(async () => {
  await cassandra?.shutdown();
  await topics?.remove();
  await analytics?.drop();
});

const purchase = (userId: string, id = unique('evt')) =>
  JSON.stringify({
    id,
    type: 'ContractPurchased',
    source: 'offers-service',
    subject: userId,
    time: '2026-11-20T10:00:00.000Z',
    schemaVersion: 1,
    data: { contractId: unique('c'), offerId: 'offer-1', purchasedAt: '2026-11-20T10:00:00.000Z' },
  });

/** A DashboardViews event as the API publishes it, around the payload given. */
const viewsEvent = (batchId: string, data: object) =>
  JSON.stringify({
    id: batchId,
    type: 'DashboardViews',
    source: 'dashboard-api',
    subject: batchId,
    time: '2026-11-20T10:00:05.000Z',
    schemaVersion: 1,
    data,
  });

/** Dashboards served to the user, as the API ships them: one DashboardViews event in columns, of `views` views. */
const viewColumns = (userId: string, views: number, batchId = unique('views')) => {
  const each = <T>(value: T) => Array.from({ length: views }, () => value);
  return viewsEvent(batchId, {
    firstAt: '2026-11-20T09:59:00.000Z',
    atMs: Array.from({ length: views }, (_, i) => i * 10),
    userIds: each(userId),
    clients: [{ platform: 'ios', appVersion: '4.1.0', profile: 'ios-v4' }],
    client: each(0),
    sources: each('cache'),
    latencyMs: each(2),
    etagHits: each(false),
    offerLists: [['offer-1']],
    offers: each(0),
  });
};

/** The same as API versions before the columns form shipped them: a record per view, with its own id. */
const viewRecords = (userId: string, viewIds: string[], batchId = unique('views')) =>
  viewsEvent(batchId, {
    views: viewIds.map((id) => ({
      id,
      time: '2026-11-20T09:59:00.000Z',
      userId,
      platform: 'ios',
      appVersion: '4.1.0',
      profile: 'ios-v4',
      source: 'cache',
      latencyMs: 2,
      etagHit: false,
      offerIds: ['offer-1'],
    })),
  });

function startConsumer(groupId = unique('analytics')): AnalyticsConsumer {
  return createAnalyticsConsumer({
    kafka,
    groupId,
    topics: [topics.domain.offers],
    deadLetterTopic,
    store: analytics.store,
    keys,
    logger: silent,
  });
}

const stored = async (userId: string) =>
  (
    await analytics.pool.query<{ event_id: string; type: string; day: string }>(
      `SELECT event_id, type, to_char(day, 'YYYY-MM-DD') AS day FROM raw_events WHERE user_id = $1 ORDER BY event_id`,
      [userId],
    )
  ).rows;

describe('analytics consumer', () => {
  it('stores each event once, also when Kafka delivers it again, and dead-letters what is malformed', async () => {
    const userId = unique('u');
    const twice = unique('evt-twice');
    const [view1, view2] = [unique('view-1'), unique('view-2')];
    const batch = viewRecords(userId, [view1, view2]);
    const columnsId = unique('views');
    const columns = viewColumns(userId, 2, columnsId);
    const letters: string[] = [];
    const deadLetters = await consumeFromNow(kafka, deadLetterTopic, (m) => letters.push(String(m.value)));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.domain.offers,
      messages: [
        { key: userId, value: purchase(userId, twice) },
        // The same event published again (a producer retry): one fact, stored once.
        { key: userId, value: purchase(userId, twice) },
        { key: userId, value: purchase(userId, `${twice}-other`) },
        // A batch of views: each view stored as the DashboardViewed it records, once, however often it comes.
        { key: 'batch', value: columns },
        { key: 'batch', value: columns },
        // The same in records, as an older API sent them: stored once by id, whichever batch brings them.
        { key: 'batch', value: batch },
        { key: 'batch', value: batch },
        { key: 'batch', value: viewRecords(userId, [view2]) },
        { key: userId, value: 'not an event' },
        // A type from a newer producer: skipped, neither stored nor dead-lettered.
        {
          key: userId,
          value: JSON.stringify({ ...JSON.parse(purchase(userId)), type: 'SomethingNew', data: {} }),
        },
      ],
    });
    await producer.disconnect();

    const first = startConsumer();
    await first.start();
    try {
      await expect.poll(() => stored(userId), { timeout: 30_000 }).toHaveLength(6);
      await expect.poll(() => letters, { timeout: 20_000 }).toEqual(['not an event']);
    } finally {
      await first.stop();
    }
    // Sorted here: the store's collation may order punctuation differently.
    const byId = (a: { event_id: string }, b: { event_id: string }) => (a.event_id < b.event_id ? -1 : 1);
    expect((await stored(userId)).sort(byId)).toEqual(
      [
        { event_id: twice, type: 'ContractPurchased', day: '2026-11-20' },
        { event_id: `${twice}-other`, type: 'ContractPurchased', day: '2026-11-20' },
        { event_id: view1, type: 'DashboardViewed', day: '2026-11-20' },
        { event_id: view2, type: 'DashboardViewed', day: '2026-11-20' },
        { event_id: `${columnsId}:0`, type: 'DashboardViewed', day: '2026-11-20' },
        { event_id: `${columnsId}:1`, type: 'DashboardViewed', day: '2026-11-20' },
      ].sort(byId),
    );

    // Every message delivered again (a new group reads the topic from its beginning): nothing counts twice.
    const again = startConsumer();
    await again.start();
    try {
      await expect.poll(() => letters.length, { timeout: 30_000 }).toBe(2);
    } finally {
      await again.stop();
      await deadLetters.stop();
    }
    expect(await stored(userId)).toHaveLength(6);
  });

  it('stores a sealed preference document opened, and drops the events of a user whose key was erased', async () => {
    const [userId, erasedUser] = [unique('u'), unique('u')];
    const changed = async (user: string) => {
      const preferences = { ...richPreferences(), userId: user };
      return JSON.stringify({
        id: unique('evt'),
        type: 'PreferencesChanged',
        source: 'dashboard-platform',
        subject: user,
        time: '2026-11-20T10:00:00.000Z',
        schemaVersion: 1,
        data: {
          userId: user,
          version: 7,
          updatedAt: '2026-11-20T10:00:00.000Z',
          sealedPreferences: sealJson(await keys.keyFor(user), preferences),
        },
      });
    };
    // One key, so one partition: the erased user's event is consumed before the other's.
    const messages = [
      { key: 'preferences', value: await changed(erasedUser) },
      { key: 'preferences', value: await changed(userId) },
    ];
    await keys.erase(erasedUser);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topics.domain.offers, messages });
    await producer.disconnect();

    const consumer = startConsumer();
    await consumer.start();
    try {
      await expect.poll(() => stored(userId), { timeout: 30_000 }).toHaveLength(1);
    } finally {
      await consumer.stop();
    }
    const { rows } = await analytics.pool.query<{ data: Record<string, unknown> }>(
      'SELECT data FROM raw_events WHERE user_id = $1',
      [userId],
    );
    expect(rows[0]?.data['preferences']).toEqual({ ...richPreferences(), userId });
    expect(rows[0]?.data['sealedPreferences']).toBeUndefined();
    // Consumed before the other, so dropped, not waiting.
    expect(await stored(erasedUser)).toEqual([]);
  });
});
