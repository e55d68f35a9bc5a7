import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Config } from '../../config/index.js';
import { unique } from './unique.js';

export interface TopicCollector {
  /** Resolves with the first message (value parsed as JSON) matching `predicate`, or rejects after `timeoutMs`. */
  waitFor(predicate: (value: Record<string, unknown>, key: string) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Consumes a topic with a fresh consumer group from the moment it has joined (only new messages). */
export async function collectTopic(config: Config, topic: string): Promise<TopicCollector> {
  const kafka = new Kafka({ clientId: unique('test'), brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: unique('test-group'), sessionTimeout: 10_000 });
  const seen: { key: string; value: Record<string, unknown> }[] = [];
  const waiters = new Set<() => void>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push({ key: String(message.key), value: JSON.parse(String(message.value)) as Record<string, unknown> });
      for (const wake of waiters) wake();
    },
  });
  await joined;
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
    stop: () => consumer.disconnect(),
  };
}
