import { Hono } from 'hono';
import type { Bridge } from './create-bridge.js';

/**
 * /metrics for Prometheus, /healthz (liveness) and /readyz (readiness) for the supervisor and
 * orchestrators. A paused bridge is alive and answers 200 with `paused: true` (restarting it would not
 * bring Temporal back); only a bridge whose consumer is not running answers 503.
 */
export function createBridgeHttp(bridge: Pick<Bridge, 'health' | 'metrics'>): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => {
    const health = bridge.health();
    const alive = health.state === 'running' || health.state === 'starting';
    return c.json({ status: !alive ? 'down' : health.paused ? 'paused' : 'ok', ...health }, alive ? 200 : 503);
  });
  // Ready: consuming with a group assignment, so events sent from now on are handled.
  app.get('/readyz', (c) => {
    const { state, joined } = bridge.health();
    const ready = state === 'running' && joined;
    return c.json({ status: ready ? 'ready' : 'not ready', state, joined }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const { registry } = bridge.metrics;
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
  return app;
}
