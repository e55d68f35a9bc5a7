/** What a batch's work got done: everything before `next` is handled, and `complete` if that was all of it. */
export interface BatchOutcome {
  /** The first offset not handled (the one after the batch's last message when complete). */
  readonly next: string;
  readonly handled: number;
  readonly complete: boolean;
}

/** A partition's new committed offset (everything before it is done), and how many messages that covers. */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly messages: number;
}

export interface CommitQueueDeps {
  /** Commits the offsets in one request; logs and swallows its own failures (the next commit covers them). */
  readonly commit: (offsets: OffsetToCommit[]) => Promise<void>;
  /**
   * A batch ended with messages unhandled while its partition was still being read: the reader must go
   * back to `offset`, since it has read on past it. Later batches of the partition are forgotten.
   */
  readonly rewind: (topic: string, partition: number, offset: string) => void;
  readonly onWorkError: (error: unknown, topic: string, partition: number) => void;
}

export interface CommitQueue {
  /**
   * Runs a batch's work in the background; its offset is committed once it and every batch of the
   * partition tracked before it are done. `current` turns false once the partition was reset or
   * rewound: the work may stop early, because nothing it does will be committed.
   */
  track(topic: string, partition: number, first: string, work: (current: () => boolean) => Promise<BatchOutcome>): void;
  /** Batches of the partition whose work is not yet committed. */
  pending(topic: string, partition: number): number;
  /** Settles when the partition's oldest pending batch is done (at once if none is). */
  oldest(topic: string, partition: number): Promise<void>;
  /** Forgets every pending commit: after a rebalance the new assignment reads on from committed offsets. */
  reset(): void;
  /** Settles once every tracked batch is done and its commit was sent. */
  drain(): Promise<void>;
}

interface Entry {
  readonly done: Promise<void>;
  outcome?: BatchOutcome;
}

interface Partition {
  readonly topic: string;
  readonly partition: number;
  readonly entries: Entry[];
}

/**
 * Lets the bridge read on while Temporal has not yet accepted the work of earlier batches, keeping
 * at-least-once: a partition's offset moves only over the prefix of its batches that are all done, in
 * the order they were read. kafkajs commits either its resolved offsets (which here run ahead of the
 * work) or exactly what it is told; it keeps no such order itself, hence this small queue.
 * One commit request is in flight at a time, for every partition that moved meanwhile: so an earlier
 * offset never lands after a later one, and a busy bridge sends few commits, not one per batch.
 */
export function createCommitQueue(deps: CommitQueueDeps): CommitQueue {
  let partitions = new Map<string, Partition>();
  const running = new Set<Promise<void>>();
  let wanted = new Map<string, OffsetToCommit>();
  let flushing = false;

  const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const follow = (promise: Promise<void>) => {
    running.add(promise);
    void promise.finally(() => running.delete(promise));
  };

  const flush = async () => {
    flushing = true;
    try {
      while (wanted.size > 0) {
        const offsets = [...wanted.values()];
        wanted = new Map();
        await deps.commit(offsets);
      }
    } finally {
      flushing = false;
    }
  };

  /** Pops the partition's done prefix and commits the furthest offset it reaches. */
  const advance = (key: string, state: Partition) => {
    if (partitions.get(key) !== state) return;
    let reached: BatchOutcome | undefined;
    let messages = 0;
    while (state.entries[0]?.outcome) {
      const { outcome } = state.entries.shift() as Entry & { outcome: BatchOutcome };
      reached = outcome;
      messages += outcome.handled;
      if (!outcome.complete) break;
    }
    if (!reached) return;
    const { next, complete } = reached;
    if (messages > 0) {
      const earlier = wanted.get(key)?.messages ?? 0;
      wanted.set(key, { topic: state.topic, partition: state.partition, offset: next, messages: earlier + messages });
      if (!flushing) follow(flush());
    }
    if (complete) return;
    partitions.delete(key);
    deps.rewind(state.topic, state.partition, next);
  };

  return {
    track(topic, partition, first, work) {
      const key = keyOf(topic, partition);
      let state = partitions.get(key);
      if (!state) {
        state = { topic, partition, entries: [] };
        partitions.set(key, state);
      }
      const mine = state;
      const current = () => partitions.get(key) === mine;
      const entry: Entry = {
        done: Promise.resolve()
          .then(() => work(current))
          .then(
            (outcome) => {
              entry.outcome = outcome;
            },
            (error: unknown) => {
              deps.onWorkError(error, topic, partition);
              entry.outcome = { next: first, handled: 0, complete: false };
            },
          ),
      };
      mine.entries.push(entry);
      follow(entry.done.then(() => advance(key, mine)));
    },

    pending(topic, partition) {
      return partitions.get(keyOf(topic, partition))?.entries.length ?? 0;
    },

    async oldest(topic, partition) {
      await partitions.get(keyOf(topic, partition))?.entries[0]?.done;
    },

    reset() {
      partitions = new Map();
      wanted = new Map();
    },

    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

/** How far a batch got: up to its first message not handled. */
export function handledPrefix(messages: readonly { offset: string }[], handled: readonly boolean[]): BatchOutcome {
  const firstUnhandled = handled.indexOf(false);
  const count = firstUnhandled === -1 ? messages.length : firstUnhandled;
  const last = messages[messages.length - 1];
  const next =
    count < messages.length
      ? (messages[count] as { offset: string }).offset
      : (BigInt(last?.offset ?? '-1') + 1n).toString();
  return { next, handled: count, complete: count === messages.length };
}
