import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BuildObserver } from '../activities/build-dashboard.js';
import type { CircuitName, DomainClient } from '../adapters/domain/domain-client.js';

const CIRCUIT_STATES: readonly CircuitName[] = ['closed', 'open', 'half-open'];

/**
 * The worker's own Prometheus metrics (the Temporal SDK's are added by workers/worker-http.ts): builds
 * by path and outcome, their duration, sources shown degraded, and each domain service's breaker.
 */
export function createWorkerMetrics(
  registry: Registry,
  domain: Record<string, Pick<DomainClient, 'circuit'>>,
): BuildObserver {
  const registers = [registry];
  const builds = new Counter({
    name: 'dashboard_builds_total',
    help: 'Dashboard builds by path (interactive: someone waits; batch: event-driven) and outcome (unchanged: a newer view won or nothing answered)',
    labelNames: ['path', 'outcome'],
    registers,
  });
  const duration = new Histogram({
    name: 'dashboard_build_duration_seconds',
    help: 'One dashboard build: sources, compose, view write and cache refresh',
    labelNames: ['path'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const degraded = new Counter({
    name: 'dashboard_sources_degraded_total',
    help: 'Sources a build showed from their last snapshot (stale) or could not show (missing)',
    labelNames: ['source', 'status'],
    registers,
  });
  const lag = new Histogram({
    name: 'dashboard_update_lag_seconds',
    help: 'From a domain event to the DashboardUpdated it caused on the live channel (event-driven builds)',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers,
  });
  new Gauge({
    name: 'domain_circuit_state',
    help: '1 for the state the circuit breaker of each domain service is in, 0 for the others',
    labelNames: ['service', 'state'],
    registers,
    collect() {
      for (const [service, client] of Object.entries(domain)) {
        const current = client.circuit();
        for (const state of CIRCUIT_STATES) this.set({ service, state }, state === current ? 1 : 0);
      }
    },
  });
  return {
    built(path, outcome, seconds) {
      builds.inc({ path, outcome });
      duration.observe({ path }, seconds);
    },
    sourceDegraded(source, status) {
      degraded.inc({ source, status });
    },
    updateAnnounced(lagSeconds) {
      lag.observe(Math.max(0, lagSeconds));
    },
  };
}
