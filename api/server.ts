import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { isEntryPoint } from '../config/entry-point.js';
import { startTracing } from '../adapters/telemetry/tracing.js';
import { createApp } from './app.js';
import { createApiDeps } from './deps.js';
import { serverWithFastRead } from './fast-read.js';

/** How long in-flight requests may finish after a stop signal before connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;
/** Where `npm run web:build` puts the web client. */
const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));

export interface RunningApi {
  readonly port: number;
  /** Stops accepting, ends live streams, lets in-flight requests finish, closes every client. */
  stop(): Promise<void>;
}

/** The API process: real clients from `config`, served by @hono/node-server. */
export async function runApiServer(config: Config): Promise<RunningApi> {
  const resources = createApiDeps(config);
  const { logger } = resources.deps;
  const app = createApp(resources.deps, {
    defaultMetrics: true,
    webDir: WEB_DIST,
    traced: config.OTEL_TRACES_EXPORTER !== 'none',
  });
  // A port already taken is an error event, not a callback: without the reject this would wait for ever.
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started: ServerType = serve(
      {
        fetch: app.fetch,
        createServer: serverWithFastRead(app.fastRead),
        port: config.API_PORT,
        hostname: config.BIND_HOST,
      },
      () => resolve(started),
    );
    started.once('error', reject);
  }).catch(async (error: unknown) => {
    await resources.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ host: config.BIND_HOST, port }, 'dashboard API listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Streams never end on their own: end them so their connections can close.
      await resources.deps.live.close();
      // Keep-alive connections turn idle as their last response ends; close each one as it does.
      const sweep = setInterval(() => 'closeIdleConnections' in server && server.closeIdleConnections(), 100);
      const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
      await Promise.race([closed, grace]);
      clearInterval(sweep);
      if ('closeAllConnections' in server) server.closeAllConnections();
      await resources.close();
      logger.info('stopped');
    })());
  return { port, stop };
}

// `npx tsx api/server.ts` (docker-compose's api service): every setting comes from the environment.
if (isEntryPoint(import.meta.url)) {
  try {
    const config = loadConfig();
    const tracing = await startTracing('dashboard-api', config);
    const api = await runApiServer(config);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        api
          .stop()
          .then(tracing.shutdown)
          .then(
            () => process.exit(0),
            (error: unknown) => {
              console.error(error);
              process.exit(1);
            },
          );
      });
    }
  } catch (error) {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(2);
  }
}
