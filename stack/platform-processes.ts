import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.js';
import type { ProcessSpec } from './supervisor.js';
import { buildInputsSha, builtInputsSha } from './build-inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where `npm run build` puts an entry point: dist/ in the layout of the sources. */
export const compiledEntry = (entry: string): string => `dist/${entry.replace(/\.ts$/, '.js')}`;

/** The host a client on this machine uses to reach a process bound to `bindHost`. */
export function localHost(bindHost: string): string {
  return bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
}

/**
 * Tracing into the local stack's trace viewer, unless the environment says otherwise: what `npm start`
 * gives its processes (tests and benchmarks leave tracing off unless they ask for it).
 */
export function localTracing(config: Config): NodeJS.ProcessEnv {
  return {
    OTEL_TRACES_EXPORTER: process.env.OTEL_TRACES_EXPORTER ?? 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT:
      process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT ?? `http://${config.STACK_HOST}:${config.ZIPKIN_PORT}/api/v2/spans`,
  };
}

/** Old-space limit of the worker process in MiB; docker-compose.yml passes the same flag. */
export const WORKER_HEAP_MB = 256;

/**
 * Old-space limit of the API process in MiB; docker-compose.yml passes the same flag. Without it V8
 * collected the garbage of closed streams only when it chose to: three rounds of 10,000 streams opened
 * and closed left 154, 283 and 395 MiB of heap and took RSS to 550 MiB before one collection freed it
 * (bench/README.md, round 11). Its live data is bounded: the near cache, and SSE_MAX_STREAMS streams.
 */
export const API_HEAP_MB = 256;

/** Refuses a dist/ older than the sources, which would run code other than what was just written. */
export function assertBuilt(): void {
  if (builtInputsSha(root) !== buildInputsSha(root))
    throw new Error('dist/ is not built from the current sources: run `npm run build` (or `npm run setup`)');
}

/**
 * The platform's own processes, as `npm start` runs them: node itself with tsx's loader (no npx or
 * tsx wrapper in between, so a signal reaches the process that handles it), from the repository root.
 * `compiled` runs them as the image does instead (docker-compose.yml), from dist/ without a loader.
 */
export function platformProcesses(
  config: Config,
  env: NodeJS.ProcessEnv = {},
  options: { compiled?: boolean } = {},
): ProcessSpec[] {
  if (options.compiled) assertBuilt();
  const host = localHost(config.BIND_HOST);
  const node = (
    name: string,
    entry: string,
    ready: Pick<ProcessSpec, 'healthUrl'>,
    nodeFlags: string[] = [],
  ): ProcessSpec => ({
    name,
    command: process.execPath,
    args: options.compiled
      ? [...nodeFlags, '--enable-source-maps', compiledEntry(entry)]
      : [...nodeFlags, '--import', 'tsx', entry],
    cwd: root,
    env,
    ...ready,
  });
  const domainHealth = (url: string) => ({ healthUrl: new URL('/healthz', url).toString() });
  return [
    node('accounts', 'domain-services/accounts/server.ts', domainHealth(config.ACCOUNTS_URL)),
    node('partners', 'domain-services/partners/server.ts', domainHealth(config.PARTNERS_URL)),
    node('transactions', 'domain-services/transactions/server.ts', domainHealth(config.TRANSACTIONS_URL)),
    node('offers', 'domain-services/offers/server.ts', domainHealth(config.OFFERS_URL)),
    // Ready when it polls: its /healthz answers only from then on.
    // A heap limit makes V8 collect before the worker's RSS grows past its budget (bench/README.md);
    // its live data is small, since builds run with bounded concurrency.
    node('worker', 'workers/worker.ts', { healthUrl: `http://${host}:${config.WORKER_PORT}/healthz` }, [
      `--max-old-space-size=${WORKER_HEAP_MB}`,
    ]),
    // Ready only once it holds partitions of its consumer group (/healthz answers as soon as it runs).
    node('bridge', 'workers/bridge.ts', { healthUrl: `http://${host}:${config.BRIDGE_PORT}/readyz` }),
    node('api', 'api/server.ts', { healthUrl: `http://${host}:${config.API_PORT}/healthz` }, [
      `--max-old-space-size=${API_HEAP_MB}`,
    ]),
    // Ready once its consumer holds partitions and its rollup worker polls.
    node('analytics', 'workers/analytics.ts', { healthUrl: `http://${host}:${config.ANALYTICS_PORT}/readyz` }),
  ];
}
