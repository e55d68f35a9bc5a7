import pino from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig, type Config } from '../../config/index.js';
import { traceLogFields } from '../../adapters/telemetry/trace-context.js';
import { startTracing } from '../../adapters/telemetry/tracing.js';
import type { ServiceName } from './events.js';
import { listen } from './listen.js';
import type { DomainService, DomainServiceDeps } from './service.js';

const PORT_OF: Record<ServiceName, (config: Config) => string> = {
  accounts: (c) => c.ACCOUNTS_URL,
  partners: (c) => c.PARTNERS_URL,
  transactions: (c) => c.TRANSACTIONS_URL,
  offers: (c) => c.OFFERS_URL,
};

/** How long a shutdown may spend publishing the outbox before it leaves the rest to the next start. */
const SHUTDOWN_FLUSH_MS = 5_000;

/**
 * Entry-point helper: reads config, builds the service, listens on the port of its own *_URL and
 * shuts down gracefully on SIGTERM/SIGINT: stop accepting, flush the relay with a deadline,
 * disconnect the producer. Nothing is lost if the deadline passes: the journal keeps it.
 */
export async function startService(
  name: ServiceName,
  createApp: (deps: DomainServiceDeps, config: Config) => Promise<DomainService>,
): Promise<void> {
  const config = loadConfig();
  const tracing = await startTracing(`${name}-service`, config);
  const logger = pino({ level: config.LOG_LEVEL, mixin: traceLogFields });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const service = await createApp(
    {
      registry,
      dataDir: config.DOMAIN_DATA_DIR,
      seedUsers: config.DOMAIN_SEED_USERS,
      logger,
      kafka: { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-${name}` },
    },
    config,
  );
  // The service adds its own `service` field to its logs; these lines are the entry point's.
  const log = logger.child({ service: name });
  const url = new URL(PORT_OF[name](config));
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const server = await listen(service.app, { host: config.BIND_HOST, port });
  log.info({ url: server.url }, 'listening');

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    try {
      await server.close();
      await service.close(SHUTDOWN_FLUSH_MS);
      await tracing.shutdown();
      log.info('stopped');
      process.exitCode = 0;
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    }
    // A library timer (kafkajs, keep-alive sockets) must not keep a stopped service alive.
    setTimeout(() => process.exit(), 2_000).unref();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (s) => void shutdown(s));
}

/** Runs an entry point, turning a failed start (bad config, corrupt journal, port in use) into exit code 1. */
export function runEntryPoint(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
