import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createKafkaClient } from '../adapters/kafka/client.js';
import pino from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigError, loadConfig } from '../config/index.js';
import { bridgeTopics, topics } from '../config/topics.js';
import { traceLogFields } from '../adapters/telemetry/trace-context.js';
import { startTracing } from '../adapters/telemetry/tracing.js';
import { createBridge } from './bridge/create-bridge.js';
import { createBridgeHttp } from './bridge/http.js';
import { kafkaLogCreator } from '../adapters/kafka/log-creator.js';
import { createTemporalTrigger } from './bridge/temporal-trigger.js';

/**
 * The bridge process: domain and preference events in, rebuild triggers out, /metrics and /healthz on
 * BRIDGE_PORT. SIGTERM/SIGINT: stop consuming, let the in-flight batches finish and commit, disconnect.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = await startTracing('dashboard-bridge', config);
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'dashboard-bridge' }, mixin: traceLogFields });
  const kafka = createKafkaClient(config, { role: 'bridge', logCreator: kafkaLogCreator(logger) });
  const temporal = createTemporalTrigger(config);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const bridge = createBridge({
    kafka,
    groupId: config.BRIDGE_GROUP_ID,
    topics: bridgeTopics,
    deadLetterTopic: topics.deadLetter,
    startRebuilds: temporal.startRebuilds,
    logger,
    registry,
    // A group that never committed starts at the end of the topics. Dashboards are built on first read
    // anyway, so nothing older is needed, and replaying everything retained (e.g. after the test suite
    // on a developer's machine) would queue thousands of rebuilds for users this platform never served.
    // The group commits those end positions before it first joins, so every event after that point is consumed.
    options: { fromBeginning: false },
    // A consumer that cannot rejoin its group is restarted with the process, by the supervisor.
    onStuck: (reason) => {
      logger.fatal({ reason }, 'consumer stuck out of its group; stopping so the process is restarted');
      void shutdown('consumer stuck', 1);
    },
  });

  const server = serve(
    { fetch: createBridgeHttp(bridge).fetch, hostname: config.BIND_HOST, port: config.BRIDGE_PORT },
    (info: AddressInfo) => logger.info({ url: `http://${info.address}:${info.port}` }, 'metrics and health listening'),
  );
  server.once('error', (error) => {
    logger.fatal({ err: error }, 'cannot serve /metrics and /healthz');
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await bridge.stop();
      await temporal.close();
      await tracing.shutdown();
      process.exitCode = exitCode;
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    }
    server.close();
    // A library timer (kafkajs, gRPC keep-alive) must not keep a stopped bridge alive.
    setTimeout(() => process.exit(), 2_000).unref();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void shutdown(s));

  await bridge.start();
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'bridge running');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
