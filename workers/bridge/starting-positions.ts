import { TimeoutStrategy, timeout } from 'cockatiel';
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';

/** How long the bridge tries to commit starting positions before it goes on without them. */
const DEADLINE_MS = 30_000;

/**
 * Commits the end of every partition of the topics that the group has no position for. Without one,
 * a partition the group never consumed from is resolved afresh at every join, so with "start at the
 * end" whatever arrived while no bridge was running (a restart, Kafka itself restarting) would be
 * skipped. With a committed position from the first start on, a restart, a rebalance or a new replica
 * resumes where the group was.
 *
 * admin.setOffsets works only while the group has no running member; when another replica is running
 * already, or the deadline passes, the bridge goes on without: its consumer reads any partition still
 * without a position from the start (see create-bridge.ts), which repeats rebuilds but skips nothing.
 */
export async function commitStartingPositions(admin: Admin, groupId: string, topics: readonly string[], logger: Logger): Promise<void> {
  try {
    await timeout(DEADLINE_MS, TimeoutStrategy.Aggressive).execute(() => commitMissing(admin, groupId, topics, logger));
  } catch (error) {
    logger.warn({ err: error, groupId, deadlineMs: DEADLINE_MS }, 'starting positions not committed; partitions without one are read from their start');
  }
}

async function commitMissing(admin: Admin, groupId: string, topics: readonly string[], logger: Logger): Promise<void> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  for (const { topic, partitions } of committed) {
    const missing = new Set(partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition));
    if (missing.size === 0) continue;
    const bounds = await admin.fetchTopicOffsets(topic);
    const positions = bounds.filter((b) => missing.has(b.partition)).map((b) => ({ partition: b.partition, offset: b.high }));
    await admin.setOffsets({ groupId, topic, partitions: positions });
    logger.info({ groupId, topic, positions }, 'committed starting positions for partitions the group had none for');
  }
}
