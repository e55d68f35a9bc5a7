import { Counter, Gauge, Registry } from 'prom-client';

/** The bridge's Prometheus metrics, on a registry of its own so two bridges in one process never clash. */
export interface BridgeMetrics {
  readonly registry: Registry;
  readonly consumed: Counter<'topic'>;
  readonly triggered: Counter<'trigger'>;
  readonly deadLettered: Counter<'topic' | 'code'>;
  readonly skipped: Counter<'topic' | 'reason'>;
  readonly retries: Counter<'operation' | 'code'>;
  readonly paused: Gauge;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly committed: Counter<'topic'>;
}

export function createBridgeMetrics(registry: Registry = new Registry()): BridgeMetrics {
  const registers = [registry];
  return {
    registry,
    consumed: new Counter({
      name: 'bridge_messages_consumed_total',
      help: 'Kafka messages the bridge read (a redelivered message counts again)',
      labelNames: ['topic'],
      registers,
    }),
    triggered: new Counter({
      name: 'bridge_rebuilds_triggered_total',
      help: "Rebuild triggers Temporal accepted (one per user per batch: a batch coalesces a user's events)",
      labelNames: ['trigger'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'bridge_messages_dead_lettered_total',
      help: 'Malformed messages written to the dead-letter topic',
      labelNames: ['topic', 'code'],
      registers,
    }),
    skipped: new Counter({
      name: 'bridge_events_skipped_total',
      help: 'Valid envelopes skipped: unknown type, newer schema version or not a trigger',
      labelNames: ['topic', 'reason'],
      registers,
    }),
    retries: new Counter({
      name: 'bridge_retries_total',
      help: 'Failed attempts that will be retried (Temporal trigger or dead-letter write)',
      labelNames: ['operation', 'code'],
      registers,
    }),
    paused: new Gauge({
      name: 'bridge_paused',
      help: '1 while the bridge waits for Temporal or Kafka to accept work again, else 0',
      registers,
    }),
    lag: new Gauge({
      name: 'bridge_consumer_lag',
      help: "Messages not yet committed by the bridge's consumer group, per partition",
      labelNames: ['topic', 'partition'],
      registers,
    }),
    committed: new Counter({
      name: 'bridge_offsets_committed_total',
      help: 'Messages whose offsets the bridge committed',
      labelNames: ['topic'],
      registers,
    }),
  };
}
