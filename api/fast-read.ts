import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { Logger } from 'pino';
import type { RateLimiter } from '../adapters/redis/rate-limiter.js';
import { resolveClientProfile } from '../config/capability-matrix.js';
import type { NearCache } from './near-cache.js';
import type { ApiMetrics } from './metrics.js';
import { bearerToken, type RememberedCallers } from './middleware/auth.js';
import type { RecordDuration } from './middleware/http-metrics.js';
import { requestLine } from './middleware/request-log.js';
import { rateLimitHeaders } from './middleware/rate-limit.js';
import { answerDashboard } from './routes/dashboard.js';
import type { ViewEmitter } from './view-events.js';

/** The longest X-Request-Id taken from a caller; Hono's requestId middleware is given the same. */
export const REQUEST_ID_MAX_LENGTH = 128;

/** Hono's requestId rule: the caller's id when short and plain, else a new one. */
const requestIdOf = (header: string | undefined) =>
  header !== undefined && header !== '' && header.length <= REQUEST_ID_MAX_LENGTH && !/[^\w\-=]/.test(header)
    ? header
    : randomUUID();

export interface FastReadOptions {
  readonly remembered: RememberedCallers;
  readonly cache: Pick<NearCache, 'peek'>;
  readonly limiter: Pick<RateLimiter, 'hit'>;
  readonly perMinute: number;
  readonly softTtlMs: number;
  readonly metrics: Pick<ApiMetrics, 'dashboardReads'>;
  readonly recordDuration: RecordDuration;
  readonly viewEvents?: Pick<ViewEmitter, 'emit'>;
  readonly logger: Logger;
}

/** Answers a request in full and says true, or touches nothing and says false. */
export type FastRead = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * The request every app makes many times a day, `GET /v1/dashboard` with a token this process has
 * verified before for a dashboard its near cache holds fresh, answered on Node's own request and
 * response, ahead of Hono. Hono would build a fetch Request, its Headers, a Context, a middleware
 * chain of promises and a Response for it, and @hono/node-server would take them apart again: with
 * them a hit cost 138 µs of CPU, without them 86 (bench/README.md round 18). The answer is the route's own
 * (answerDashboard), with what the middleware adds: the request id, the rate limit's headers, the
 * request's duration metric and its log line. Anything else (another route, a token not remembered,
 * an entry not held or stale, a caller over the limit) goes to the app untouched.
 */
export function createFastRead(options: FastReadOptions): FastRead {
  const { remembered, cache, limiter, perMinute, softTtlMs, metrics, recordDuration, viewEvents, logger } = options;
  return (request, response) => {
    if (request.method !== 'GET' || request.url !== '/v1/dashboard') return false;
    const started = performance.now();
    // Node joins a repeated header into one string, but for set-cookie, so these are strings or absent.
    const header = (name: string) => request.headers[name] as string | undefined;
    const token = bearerToken(header('authorization'));
    const caller = token === undefined ? undefined : remembered.get(token);
    if (caller === undefined) return false;
    const appVersion = header('x-client-version');
    const profile = resolveClientProfile(header('x-client-platform'), appVersion);
    const entry = cache.peek(caller.userId, profile);
    // A stale entry is the route's: it asks for the background rebuild.
    if (entry === undefined || Date.now() - entry.cachedAt > softTtlMs) return false;
    const decision = limiter.hit(`user:${caller.userId}`, perMinute, 60_000);
    // The app counts this request again and refuses it; a caller over the limit stays over it.
    if (!decision.allowed) return false;

    metrics.dashboardReads.inc({ source: 'cache', stale: 'false' });
    const { userId } = caller;
    const ifNoneMatch = header('if-none-match');
    const answer = answerDashboard(
      { userId, profile, appVersion, ifNoneMatch, started },
      { entry, source: 'cache', stale: false },
      viewEvents,
    );
    const requestId = requestIdOf(header('x-request-id'));
    response.writeHead(answer.status, {
      'X-Request-Id': requestId,
      ...rateLimitHeaders(decision),
      ...answer.headers,
      ...(answer.body === undefined ? {} : { 'Content-Length': Buffer.byteLength(answer.body) }),
    });
    // A string body goes out in one write with the head.
    response.end(answer.body);
    const durationMs = performance.now() - started;
    recordDuration('GET', '/v1/dashboard', answer.status, durationMs / 1000);
    if (logger.isLevelEnabled('info'))
      logger.info({ requestId, userId, ...requestLine('GET', '/v1/dashboard', answer.status, durationMs) }, 'request');
    return true;
  };
}

/**
 * A `createServer` for @hono/node-server's serve(): the fast read first, the app's listener for
 * everything it leaves. Cast: serve() types its option as node:http's overloaded createServer.
 */
export const serverWithFastRead = (fastRead: FastRead | undefined): typeof createServer =>
  ((options: ServerOptions, listener: RequestListener) =>
    createServer(
      options,
      fastRead === undefined
        ? listener
        : (request, response) => {
            if (!fastRead(request, response)) listener(request, response);
          },
    )) as typeof createServer;
