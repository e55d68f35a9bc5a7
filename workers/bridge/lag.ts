import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { consumerLag } from '../../adapters/kafka/consumer-lag.js';
import type { BridgeMetrics } from './metrics.js';

/** Sets the lag gauge per partition from Kafka's offsets (adapters/kafka/consumer-lag.ts). */
export async function refreshLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  metrics: BridgeMetrics,
): Promise<void> {
  for (const { topic, partition, lag } of await consumerLag(admin, groupId, topics))
    metrics.lag.set({ topic, partition: String(partition) }, lag);
}

/** Refreshes the lag gauge every `intervalMs` until the returned function is called. */
export function watchLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  metrics: BridgeMetrics,
  logger: Logger,
  intervalMs: number,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let failing = false;
  let inFlight = false;
  const tick = () => {
    if (inFlight) return; // a slow Kafka must not pile up requests
    inFlight = true;
    running = refreshLag(admin, groupId, topics, metrics)
      .then(
        () => {
          failing = false;
        },
        (error: unknown) => {
          // Kafka being away shows elsewhere (the consumer's own errors); say it once here.
          if (!failing) logger.warn({ err: error }, 'could not read the consumer lag; keeping the last values');
          failing = true;
        },
      )
      .finally(() => {
        inFlight = false;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
