import { TimeoutStrategy, timeout as deadline } from 'cockatiel';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { EventEnvelope } from '../../dashboard/index.js';

/** Publishes event envelopes keyed by their subject (the user id), so one user's events stay in order. */
export interface EventProducer {
  /** One acknowledged produce request for all the events (each keyed by its subject). */
  publishMany(topic: string, events: readonly EventEnvelope[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * An envelope as a Kafka message: keyed by its subject (the user id), its type and trace context also
 * as headers, so a consumer can route and continue the trace without parsing the value.
 */
export function eventMessage(event: EventEnvelope): { key: string; value: string; headers: Record<string, string> } {
  return {
    key: event.subject,
    value: JSON.stringify(event),
    headers: {
      type: event.type,
      ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
      ...(event.tracestate === undefined ? {} : { tracestate: event.tracestate }),
    },
  };
}

export function createEventProducer(kafka: Kafka, options: { timeoutMs?: number } = {}): EventProducer {
  const timeout = options.timeoutMs ?? 5_000;
  // kafkajs retries a send (and its connect) for up to half a minute while Kafka is away; a build must
  // not wait that long for an announcement it can make later (a repeat carries the same event id).
  const withDeadline = deadline(timeout, TimeoutStrategy.Aggressive);
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;

  // Connected on first use, so a process that never publishes never opens a connection.
  const connected = () => {
    connecting ??= (async () => {
      // The default (murmur2) partitioner, as Java clients use: one user lands on the same partition whoever produces.
      const p = kafka.producer({
        allowAutoTopicCreation: false,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await p.connect();
      producer = p;
      return p;
    })().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  };

  return {
    async publishMany(topic, events) {
      await withDeadline.execute(async () => {
        const p = await connected();
        await p.send({
          topic,
          acks: -1,
          timeout,
          messages: events.map(eventMessage),
        });
      });
    },
    async disconnect() {
      await producer?.disconnect();
      producer = undefined;
      connecting = undefined;
    },
  };
}
