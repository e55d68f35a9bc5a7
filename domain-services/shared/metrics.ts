import { Counter, Gauge, type Registry } from 'prom-client';
import type { ServiceName } from './events.js';
import type { OutboxRelay } from './relay.js';

/** A domain service's outbox on /metrics: what waits to be published, and how often publishing failed. */
export function registerOutboxMetrics(
  registry: Registry,
  service: ServiceName,
  outbox: Pick<OutboxRelay, 'status'>,
): void {
  const registers = [registry];
  new Gauge({
    name: 'outbox_pending_events',
    help: 'Events journaled but not yet acknowledged by Kafka',
    labelNames: ['service'],
    registers,
    collect() {
      this.set({ service }, outbox.status().pending);
    },
  });
  new Counter({
    name: 'outbox_relay_failures_total',
    help: 'Attempts of the outbox relay to publish to Kafka that failed (each is retried)',
    labelNames: ['service'],
    registers,
    collect() {
      // The relay counts its failures itself; the counter reports that count.
      this.reset();
      this.inc({ service }, outbox.status().failedAttempts);
    },
  });
}
