import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { AppEnv } from '../env.js';

/**
 * The route pattern that answered (`/v1/users/:userId/dashboard`), never the raw path: bounded label sets, no ids in
 * metrics.
 */
export function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const route = routePath(c, -1);
  return route === '' || route === '/*' || route === '*' ? 'unmatched' : route;
}

/** What the log line of a finished request says, here and in the fast read (api/fast-read.ts). */
export const requestLine = (method: string, route: string, status: number, durationMs: number) => ({
  method,
  route,
  status,
  durationMs: Math.round(durationMs * 10) / 10,
});

/**
 * A child logger that carries the request id (from Hono's requestId middleware, which runs first:
 * X-Request-Id honoured when short and plain, else generated, and echoed back), and one JSON log line
 * when the response is ready. Our own rather than hono/logger, which prints text lines to the
 * console; these are pino JSON with the route pattern and the duration, like every other line.
 */
export function requestLog(options: { logger: Logger }): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const logger = options.logger.child({ requestId: c.get('requestId') });
    c.set('logger', logger);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = requestLine(c.req.method, routeOf(c), status, performance.now() - started);
    if (status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  };
}
