import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Hono } from 'hono';
import { createKafkaClient } from '../adapters/kafka/client.js';
import { createCassandraClient } from '../adapters/cassandra/client.js';
import { createUserKeyStore, userKeyCacheOptions } from '../adapters/cassandra/user-key-store.js';
import pino from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigError, analyticsTaskQueue, loadConfig } from '../config/index.js';
import { analyticsTopics, topics } from '../config/topics.js';
import { createAnalyticsStore } from '../adapters/postgres/analytics-store.js';
import { createPostgresPool } from '../adapters/postgres/client.js';
import { migrateAnalytics } from '../adapters/postgres/migrate.js';
import { ensureRollupSchedules } from '../adapters/temporal/analytics-workflows.js';
import { createAnalyticsConsumer } from './analytics/create-analytics-consumer.js';
import { createAnalyticsWorker } from './analytics/create-analytics-worker.js';
import { kafkaLogCreator } from '../adapters/kafka/log-creator.js';

/**
 * The analytics process: stores every event in the analytics store (its own consumer group) and runs
 * the rollup workflows on a task queue of its own, keeping their Temporal Schedules in place. Nothing
 * on the dashboards' path waits for it. /metrics, /healthz and /readyz on ANALYTICS_PORT.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'dashboard-analytics' } });
  const pool = createPostgresPool({ url: config.ANALYTICS_DATABASE_URL, schema: config.ANALYTICS_SCHEMA, logger });
  // Its tables first (idempotent, serialised across replicas): a new deployment needs no step of its own.
  const applied = await migrateAnalytics(pool, config.ANALYTICS_SCHEMA);
  if (applied.length > 0) logger.info({ applied }, 'analytics store migrated');
  const store = createAnalyticsStore(pool);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const kafka = createKafkaClient(config, { role: 'analytics', logCreator: kafkaLogCreator(logger) });
  // Users' keys, to open the preference documents events carry sealed; connected on first use.
  const cassandra = createCassandraClient(config);
  const consumer = createAnalyticsConsumer({
    kafka,
    groupId: config.ANALYTICS_GROUP_ID,
    topics: analyticsTopics,
    deadLetterTopic: topics.deadLetter,
    store,
    keys: createUserKeyStore(cassandra, userKeyCacheOptions(config)),
    logger,
    registry,
    // A consumer that cannot rejoin its group is restarted with the process, by the supervisor.
    onStuck: (reason) => {
      logger.fatal({ reason }, 'consumer stuck out of its group; stopping so the process is restarted');
      process.exitCode = 1;
      // The orderly stop below has this long; then the process goes anyway.
      setTimeout(() => process.exit(1), 30_000).unref();
      worker.shutdown();
    },
  });

  const taskQueue = analyticsTaskQueue(config);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createAnalyticsWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    deps: { store },
  });
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 5_000 });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const schedules = await ensureRollupSchedules(client, { taskQueue, retentionDays: config.ANALYTICS_RETENTION_DAYS });
  logger.info({ schedules, taskQueue }, 'rollup schedules in place');

  let polling = false;
  const http = new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok', polling, ...consumer.health() }))
    // Ready once the consumer holds its partitions and the rollup worker polls.
    .get('/readyz', (c) => {
      const ready = polling && consumer.health().joined;
      return c.json({ status: ready ? 'ready' : 'not ready' }, ready ? 200 : 503);
    })
    .get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  const server = serve(
    { fetch: http.fetch, hostname: config.BIND_HOST, port: config.ANALYTICS_PORT },
    (info: AddressInfo) => logger.info({ url: `http://${info.address}:${info.port}` }, 'metrics and health listening'),
  );
  server.once('error', (error) => {
    logger.fatal({ err: error }, 'cannot serve /metrics and /healthz');
    process.exitCode = 1;
    worker.shutdown();
  });

  await consumer.start();
  // The SDK shuts the worker down on SIGINT/SIGTERM; the consumer stops with it.
  polling = true;
  logger.info({ groupId: config.ANALYTICS_GROUP_ID }, 'analytics running');
  try {
    await worker.run();
  } finally {
    polling = false;
    await consumer.stop().catch((error: unknown) => logger.error({ err: error }, 'consumer stop failed'));
    server.close();
    await clientConnection.close();
    await connection.close();
    await pool.end();
    await cassandra.shutdown();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
