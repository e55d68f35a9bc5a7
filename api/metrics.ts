import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ViewEventCounts } from './view-events.js';

export type DashboardSource = 'cache' | 'view' | 'rebuild';

/** The API's Prometheus metrics, on a registry of its own so two apps in one process never collide. */
export interface ApiMetrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Dashboards served, by where they came from; `stale` says whether a stale cache entry was served. */
  readonly dashboardReads: Counter<'source' | 'stale'>;
  /** Rebuilds the API asked for: `sync` on a miss, `background` for stale-while-revalidate. */
  readonly rebuildsTriggered: Counter<'kind'>;
}

export interface ApiMetricsOptions {
  readonly streams: () => number;
  /** The view emitter's counts, when the process publishes DashboardViewed events. */
  readonly viewEvents?: () => ViewEventCounts;
  readonly defaultMetrics?: boolean;
}

export function createApiMetrics(options: ApiMetricsOptions): ApiMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Latency of HTTP requests by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    // Cache hits are single-digit milliseconds; rebuilds on a miss take up to the deadline.
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const dashboardReads = new Counter({
    name: 'dashboard_reads_total',
    help: 'Dashboards served, by source (cache, view, rebuild)',
    labelNames: ['source', 'stale'] as const,
    registers: [registry],
  });
  const rebuildsTriggered = new Counter({
    name: 'dashboard_rebuilds_triggered_total',
    help: 'Rebuilds requested by the API: sync on a miss, background for a stale entry',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'sse_streams',
    help: 'Open live-update streams in this process',
    registers: [registry],
    collect() {
      this.set(options.streams());
    },
  });
  if (options.viewEvents) registerViewEventMetrics(registry, options.viewEvents);
  return { registry, requestDuration, dashboardReads, rebuildsTriggered };
}

/**
 * The emitter counts in plain numbers (a read pays for no label lookup); the counters copy them when
 * scraped.
 */
function registerViewEventMetrics(registry: Registry, counts: () => ViewEventCounts): void {
  new Counter({
    name: 'dashboard_viewed_sent_total',
    help: 'DashboardViewed events Kafka acknowledged',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(counts().sent);
    },
  });
  new Counter({
    name: 'dashboard_viewed_dropped_total',
    help: 'DashboardViewed events dropped: buffer_full while Kafka was slow, send_failed, or closed at shutdown',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(counts().dropped)) this.inc({ reason }, n);
    },
  });
  new Gauge({
    name: 'dashboard_viewed_buffered',
    help: 'DashboardViewed events waiting to be sent',
    registers: [registry],
    collect() {
      this.set(counts().buffered);
    },
  });
}
