import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import pTimeout from 'p-timeout';

/** One Kafka message of the outbox: key = user id, value = the event envelope as JSON. */
export interface OutboxMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** The relay's port to Kafka; tests can pass a publisher pointed at another broker address. */
export interface EventPublisher {
  /** Resolves once every message is acknowledged by all in-sync replicas; rejects otherwise. */
  publish(messages: readonly OutboxMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaPublisherOptions {
  brokers: string[];
  clientId: string;
  topic: string;
  logger: Logger;
  /** Deadline of one connect or send, ours on top of kafkajs' own timeouts. */
  callTimeoutMs?: number;
}

/**
 * A producer that is thrown away after any failure: after a timeout kafkajs' internal state is
 * unknown, and a fresh connection is the simplest state to reason about. The relay does the retrying,
 * so kafkajs' own retries are kept short.
 */
export function createKafkaPublisher(options: KafkaPublisherOptions): EventPublisher {
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  // Every call to Kafka gets a deadline: a hung call must never stall the relay.
  const deadline = <T>(what: string, call: Promise<T>) =>
    pTimeout(call, { milliseconds: callTimeoutMs, message: `kafka ${what} timed out after ${callTimeoutMs} ms` });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.NOTHING,
  });
  let producer: Producer | null = null;

  const connected = async (): Promise<Producer> => {
    if (producer !== null) return producer;
    // One in flight keeps a user's events in journal order even when kafkajs retries a request.
    const fresh = kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await deadline('connect', fresh.connect());
    } catch (error) {
      await discard(fresh);
      throw error;
    }
    producer = fresh;
    return fresh;
  };

  const discard = async (stale: Producer): Promise<void> => {
    if (producer === stale) producer = null;
    await deadline('disconnect', stale.disconnect()).catch((error: unknown) => {
      options.logger.debug({ err: error }, 'disconnecting a failed producer failed');
    });
  };

  return {
    async publish(messages) {
      const current = await connected();
      try {
        await deadline(
          'send',
          current.send({ topic: options.topic, acks: -1, timeout: 5_000, messages: [...messages] }),
        );
      } catch (error) {
        await discard(current);
        throw error;
      }
    },
    async close() {
      if (producer !== null) await discard(producer);
    },
  };
}
