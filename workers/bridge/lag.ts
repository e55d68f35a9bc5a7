import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { BridgeMetrics } from './metrics.js';

/**
 * Lag = messages on a partition beyond the group's committed offset. It is read from Kafka (not from
 * the batches the bridge sees) so it keeps growing while the bridge is paused, which is when it matters.
 */
export async function refreshLag(admin: Admin, groupId: string, topics: readonly string[], metrics: BridgeMetrics): Promise<void> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  await Promise.all(
    topics.map(async (topic) => {
      const ends = await admin.fetchTopicOffsets(topic);
      const ours = new Map((committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const { partition, high, low } of ends) {
        const at = ours.get(partition) ?? -1;
        // -1 = nothing committed yet: everything still retained is unread.
        metrics.lag.set({ topic, partition: String(partition) }, Number(high) - (at < 0 ? Number(low) : at));
      }
    }),
  );
}

/** Refreshes the lag gauge every `intervalMs` until the returned function is called. */
export function watchLag(admin: Admin, groupId: string, topics: readonly string[], metrics: BridgeMetrics, logger: Logger, intervalMs: number): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let failing = false;
  let inFlight = false;
  const tick = () => {
    if (inFlight) return; // a slow Kafka must not pile up requests
    inFlight = true;
    running = refreshLag(admin, groupId, topics, metrics).then(
      () => {
        failing = false;
      },
      (error: unknown) => {
        // Kafka being away shows elsewhere (the consumer's own errors); say it once here.
        if (!failing) logger.warn({ err: error }, 'could not read the consumer lag; keeping the last values');
        failing = true;
      },
    ).finally(() => {
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
