import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { AppEnv } from '../env.js';

// A client's id is echoed into logs and headers, so only a safe, bounded alphabet is taken over.
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The route pattern that answered (`/v1/users/:userId/dashboard`), never the raw path: bounded label sets, no ids in metrics. */
export function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const route = routePath(c, -1);
  return route === '' || route === '/*' || route === '*' ? 'unmatched' : route;
}

/**
 * Gives every request an id (X-Request-Id honoured or generated, echoed back), a child logger that
 * carries it, and one JSON log line when the response is ready.
 */
export function requestLog(options: { logger: Logger }): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming !== undefined && CLIENT_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const logger = options.logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('logger', logger);
    // Set before the response exists, so it is part of whatever response is made (errors included):
    // touching the finished response's headers would turn its fast path into a full fetch Response.
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = { method: c.req.method, route: routeOf(c), status, durationMs: Math.round((performance.now() - started) * 10) / 10 };
    if (status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  };
}
