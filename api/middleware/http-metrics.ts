import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import type { ApiMetrics } from '../metrics.js';
import { routeOf } from './request-log.js';

/** Observes one request's latency (seconds) by method, route pattern and status. */
export type RecordDuration = (method: string, route: string, status: number, seconds: number) => void;

export function durationRecorder(metrics: ApiMetrics): RecordDuration {
  // One labelled child per (method, route, status), looked up by a string: prom-client hashes the
  // label object on every observe otherwise. Bounded, since routes are patterns, not paths.
  const children = new Map<string, ReturnType<ApiMetrics['requestDuration']['labels']>>();
  return (method, route, status, seconds) => {
    const key = `${method} ${route} ${status}`;
    let child = children.get(key);
    if (child === undefined) children.set(key, (child = metrics.requestDuration.labels(method, route, String(status))));
    child.observe(seconds);
  };
}

/** Observes each request's latency by method, route pattern and status. */
export function httpMetrics(options: { record: RecordDuration }): MiddlewareHandler<AppEnv> {
  return async function httpMetrics(c, next) {
    const started = performance.now();
    await next();
    // For a stream this is the time to its first byte, which is what a client waits for.
    options.record(c.req.method, routeOf(c), c.res.status, (performance.now() - started) / 1000);
  };
}
