import type { Admin } from 'kafkajs';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The group's committed offset; -1 when it has committed nothing on the partition. */
  readonly committed: number;
  readonly end: number;
  /** Messages retained beyond the committed offset (all that are retained when nothing is committed). */
  readonly lag: number;
}

/**
 * A consumer group's lag on every partition of the topics, read from Kafka (not from what a consumer
 * saw), so it keeps growing while the consumer is paused or gone, which is when it matters.
 */
export async function consumerLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const perTopic = await Promise.all(
    topics.map(async (topic) => {
      const ours = new Map(
        (committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
      );
      return (await admin.fetchTopicOffsets(topic)).map(({ partition, high, low }) => {
        const at = ours.get(partition) ?? -1;
        return { topic, partition, committed: at, end: Number(high), lag: Number(high) - (at < 0 ? Number(low) : at) };
      });
    }),
  );
  return perTopic.flat();
}
