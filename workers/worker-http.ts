import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface WorkerHttpOptions {
  readonly registry: Registry;
  /** The Temporal SDK's own Prometheus exporter (loopback), whose series /metrics serves too. */
  readonly sdkMetricsUrl: string;
  /** False once the workers stopped polling. */
  readonly polling: () => boolean;
}

/** Most /metrics waits for the SDK's exporter before it answers with the worker's own series only. */
const SDK_METRICS_TIMEOUT_MS = 2_000;

/**
 * /metrics (the worker's series and the Temporal SDK's, one scrape) and /healthz. The SDK's exporter
 * lives in its native core with a port of its own; fetching it here gives Prometheus one target per
 * process, like the API and the bridge.
 */
export function createWorkerHttp(options: WorkerHttpOptions): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => (options.polling() ? c.json({ status: 'ok' }) : c.json({ status: 'down' }, 503)));
  app.get('/metrics', async (c) => {
    const [own, sdk] = await Promise.all([
      options.registry.metrics(),
      fetch(options.sdkMetricsUrl, { signal: AbortSignal.timeout(SDK_METRICS_TIMEOUT_MS) }).then(
        async (response) =>
          response.ok ? response.text() : `# Temporal SDK metrics unavailable: HTTP ${response.status}\n`,
        (error: unknown) =>
          `# Temporal SDK metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`,
      ),
    ]);
    return c.body(`${own}\n${sdk}`, 200, { 'content-type': options.registry.contentType });
  });
  return app;
}
