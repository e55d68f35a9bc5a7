import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import type { Config } from '../../config/index.js';
import { unique } from './unique.js';

export interface TopicCollector {
  /** Resolves with the first message (value parsed as JSON) matching `predicate`, or rejects after `timeoutMs`. */
  waitFor(
    predicate: (value: Record<string, unknown>, key: string) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Collects a topic's messages from now on (see consumeFromNow), for waiting on one that matches. */
export async function collectTopic(config: Config, topic: string): Promise<TopicCollector> {
  const kafka = new Kafka({ clientId: unique('test'), brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const seen: { key: string; value: Record<string, unknown> }[] = [];
  const waiters = new Set<() => void>();
  const consumer = await consumeFromNow(kafka, topic, (message) => {
    seen.push({ key: String(message.key), value: JSON.parse(String(message.value)) as Record<string, unknown> });
    for (const wake of waiters) wake();
  });
  return {
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = seen.find((m) => predicate(m.value, m.key));
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit.value);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () => consumer.stop(),
  };
}

/**
 * Consumes `topic` from the offsets it has now (nothing older is read, nothing after is missed), with a
 * fresh consumer group; each (partition, offset) is delivered once even when a rebalance re-reads.
 * The seek happens once the group has joined: right after run() the group may not exist yet (a cold
 * broker's coordinator is still loading) and seek() would throw.
 */
export async function consumeFromNow(
  kafka: Kafka,
  topic: string,
  onMessage: (message: KafkaMessage, partition: number) => void,
): Promise<{ stop: () => Promise<void> }> {
  const admin = kafka.admin();
  await admin.connect();
  const start = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const consumer = kafka.consumer({ groupId: unique('test-from-now'), sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => {
    let first = true;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (!first) return;
      first = false;
      for (const { partition, offset } of start) consumer.seek({ topic, partition, offset });
      resolve();
    });
  });
  const seen = new Set<string>();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const position = `${partition}:${message.offset}`;
      if (seen.has(position)) return;
      seen.add(position);
      onMessage(message, partition);
    },
  });
  await joined;
  return { stop: () => consumer.disconnect() };
}
