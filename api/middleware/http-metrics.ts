import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import type { ApiMetrics } from '../metrics.js';
import { routeOf } from './request-log.js';

/** Observes each request's latency by method, route pattern and status. */
export function httpMetrics(options: { metrics: ApiMetrics }): MiddlewareHandler<AppEnv> {
  return async function httpMetrics(c, next) {
    const end = options.metrics.requestDuration.startTimer();
    await next();
    // For a stream this is the time to its first byte, which is what a client waits for.
    end({ method: c.req.method, route: routeOf(c), status: String(c.res.status) });
  };
}
