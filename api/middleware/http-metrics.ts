import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import type { ApiMetrics } from '../metrics.js';
import { routeOf } from './request-log.js';

/** Observes each request's latency by method, route pattern and status. */
export function httpMetrics(options: { metrics: ApiMetrics }): MiddlewareHandler<AppEnv> {
  // One labelled child per (method, route, status), looked up by a string: prom-client hashes the
  // label object on every observe otherwise. Bounded, since routes are patterns, not paths.
  const children = new Map<string, ReturnType<ApiMetrics['requestDuration']['labels']>>();
  return async function httpMetrics(c, next) {
    const started = performance.now();
    await next();
    // For a stream this is the time to its first byte, which is what a client waits for.
    const method = c.req.method;
    const route = routeOf(c);
    const status = String(c.res.status);
    const key = `${method} ${route} ${status}`;
    let child = children.get(key);
    if (child === undefined) children.set(key, (child = options.metrics.requestDuration.labels(method, route, status)));
    child.observe((performance.now() - started) / 1000);
  };
}
