import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { unique } from '../support/unique.js';
import { createSmokeActivities } from './activities.js';

// Real round trips through each engine of the local stack: nothing here is mocked.
const config = loadConfig();

describe('the local stack', () => {
  it('runs a workflow whose activity is executed by a worker on the Temporal server', async () => {
    const taskQueue = unique('smoke');
    const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    try {
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue,
        workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
        activities: createSmokeActivities('hello'),
      });
      const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
      const result = await worker.runUntil(
        client.workflow.execute('smokeWorkflow', {
          taskQueue,
          workflowId: unique('smoke-wf'),
          args: ['dashboard'],
          workflowExecutionTimeout: '30 seconds',
        }),
      );
      expect(result).toBe('workflow saw: hello, dashboard (attempt 1)');
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });

  it('produces a message to Kafka and consumes the same bytes back', async () => {
    const kafka = new Kafka({ clientId: unique('smoke'), brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const topic = unique('smoke-topic');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: unique('smoke-group') });
    try {
      await producer.connect();
      const value = JSON.stringify({ hello: topic });
      await producer.send({ topic, messages: [{ key: 'u-1', value }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within 30 s')), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve({ key: String(message.key), value: String(message.value) });
          },
        });
      });
      expect(received).toEqual({ key: 'u-1', value });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    }
  });

  it('writes a row to Cassandra and reads it back', async () => {
    const client = new cassandra.Client({
      contactPoints: config.CASSANDRA_CONTACT_POINTS,
      localDataCenter: config.CASSANDRA_LOCAL_DC,
      protocolOptions: { port: config.CASSANDRA_PORT },
      keyspace: config.CASSANDRA_KEYSPACE,
    });
    const userId = unique('smoke-user');
    try {
      await client.execute(
        'INSERT INTO domain_snapshots (user_id, source, items, as_of) VALUES (?, ?, ?, ?)',
        [userId, 'accounts', '[]', new Date(0)],
        { prepare: true },
      );
      const row = (
        await client.execute(
          'SELECT items, as_of FROM domain_snapshots WHERE user_id = ? AND source = ?',
          [userId, 'accounts'],
          { prepare: true },
        )
      ).first();
      expect(row?.['items']).toBe('[]');
      expect((row?.['as_of'] as Date).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    } finally {
      await client.execute('DELETE FROM domain_snapshots WHERE user_id = ?', [userId], { prepare: true });
      await client.shutdown();
    }
  });

  it('sets a key in Redis and gets it back', async () => {
    const redis = new Redis(config.REDIS_URL);
    const key = unique('smoke-key');
    try {
      await redis.set(key, 'bytes', 'EX', 60);
      expect(await redis.get(key)).toBe('bytes');
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });
});
