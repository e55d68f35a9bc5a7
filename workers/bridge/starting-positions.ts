import { setTimeout as sleep } from 'node:timers/promises';
import { TimeoutStrategy, timeout } from 'cockatiel';
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';

/** How long the bridge tries to commit starting positions before it goes on without them. */
const DEADLINE_MS = 30_000;
/** How often a replica that found the group running already looks again for the positions. */
const LOOK_AGAIN_MS = 500;

/**
 * Commits the end of every partition of the topics that the group has no position for. Without one,
 * a partition the group never consumed from is resolved afresh at every join, so with "start at the
 * end" whatever arrived while no bridge was running (a restart, Kafka itself restarting) would be
 * skipped. With a committed position from the first start on, a restart, a rebalance or a new replica
 * resumes where the group was.
 *
 * admin.setOffsets works only while the group has no running member. Replicas of a new group start
 * together: the one that loses the race finds the group running and waits for the positions the
 * winner committed before it joined. Only when the deadline passes does the bridge go on without: its
 * consumer reads any partition still without a position from the start (see create-bridge.ts), which
 * repeats rebuilds but skips nothing.
 */
export async function commitStartingPositions(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  logger: Logger,
): Promise<void> {
  try {
    await timeout(DEADLINE_MS, TimeoutStrategy.Aggressive).execute(({ signal }) =>
      commitMissing(admin, groupId, topics, logger, signal),
    );
  } catch (error) {
    logger.warn(
      { err: error, groupId, deadlineMs: DEADLINE_MS },
      'starting positions not committed; partitions without one are read from their start',
    );
  }
}

async function commitMissing(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  for (;;) {
    const missing = await missingPositions(admin, groupId, topics);
    if (missing.length === 0) return;
    try {
      for (const { topic, partitions } of missing) {
        const bounds = await admin.fetchTopicOffsets(topic);
        const positions = bounds
          .filter((b) => partitions.has(b.partition))
          .map((b) => ({ partition: b.partition, offset: b.high }));
        await admin.setOffsets({ groupId, topic, partitions: positions });
        logger.info(
          { groupId, topic, positions },
          'committed starting positions for partitions the group had none for',
        );
      }
      return;
    } catch (error) {
      if (!isGroupRunning(error)) throw error;
      await sleep(LOOK_AGAIN_MS, undefined, { signal });
    }
  }
}

async function missingPositions(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<{ topic: string; partitions: Set<number> }[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  return committed
    .map(({ topic, partitions }) => ({
      topic,
      partitions: new Set(partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition)),
    }))
    .filter((t) => t.partitions.size > 0);
}

// kafkajs refuses setOffsets with this message while the group has members (no error code of its own).
const isGroupRunning = (error: unknown) =>
  error instanceof Error && /must have no running instances/.test(error.message);
