import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { DEPENDENCIES, type ApiDeps, type Dependency } from '../deps.js';
import type { AppEnv } from '../env.js';
import type { ApiMetrics } from '../metrics.js';
import { withTimeout } from '../with-timeout.js';

/** A probe slower than this still counts as answering, but the dependency is reported degraded. */
const DEGRADED_AFTER_MS = 250;
const PROBE_TIMEOUT_MS = 1_000;

const DependencyState = z.enum(['up', 'degraded', 'down']);
const Readiness = z
  .object({
    status: z.enum(['ready', 'degraded', 'not_ready']),
    checks: z.object({ redis: DependencyState, cassandra: DependencyState, temporal: DependencyState }),
  })
  .meta({ id: 'Readiness' });

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['operations'],
  summary: 'The process is alive',
  responses: {
    200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } },
  },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['operations'],
  summary: 'Each dependency: up, degraded (slow) or down',
  responses: {
    200: {
      description: 'Every dependency answers (some may be slow)',
      content: { 'application/json': { schema: Readiness } },
    },
    503: { description: 'At least one dependency is down', content: { 'application/json': { schema: Readiness } } },
  },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics',
  responses: {
    200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } },
  },
});

async function probe(check: () => Promise<void>): Promise<z.infer<typeof DependencyState>> {
  const started = performance.now();
  try {
    await withTimeout(check(), PROBE_TIMEOUT_MS, 'probe');
    return performance.now() - started > DEGRADED_AFTER_MS ? 'degraded' : 'up';
  } catch {
    return 'down';
  }
}

/** Health, readiness and metrics: neither authenticated nor rate limited, for load balancers and scrapers. */
export function opsRoutes(deps: Pick<ApiDeps, 'probes'>, metrics: ApiMetrics) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyz, async (c) => {
    const states = await Promise.all(
      DEPENDENCIES.map(async (name): Promise<[Dependency, z.infer<typeof DependencyState>]> => [
        name,
        await probe(deps.probes[name]),
      ]),
    );
    const checks = Object.fromEntries(states) as Record<Dependency, z.infer<typeof DependencyState>>;
    const values = Object.values(checks);
    if (values.includes('down')) return c.json({ status: 'not_ready' as const, checks }, 503);
    return c.json({ status: values.includes('degraded') ? ('degraded' as const) : ('ready' as const), checks }, 200);
  });

  app.openapi(metricsRoute, async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  );

  return app;
}
