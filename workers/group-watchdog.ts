import type { Consumer } from 'kafkajs';

export interface GroupWatchdogOptions {
  /** How long a crashed consumer may take to rejoin its group before the process gives up on it. */
  readonly maxOutOfGroupMs: number;
  /** Called once, with why: the process stops, and its supervisor starts it again. */
  readonly onStuck: (reason: string) => void;
}

/** Long enough for a restart that waits out a rebalance (session 30 s, rebalance 60 s) after Kafka is back. */
export const MAX_OUT_OF_GROUP_MS = 90_000;

/**
 * A consumer that crashed must be back in its group in bounded time, or its process is restarted.
 *
 * Why: kafkajs restarts a consumer that crashed on a retriable error by itself, but that restart can
 * hang without a word. In the full chaos run (Kafka frozen 90 s) the analytics consumer crashed on
 * fetch timeouts, logged that it would restart in 9 s, and was still out of its group 120 s later with
 * no further error, the process alive and consuming nothing. A consumer that crashed for good
 * (`restart: false`) is never restarted by kafkajs at all. A new process rejoins from the group's
 * committed offsets, so restarting loses nothing.
 *
 * The bound counts from the first crash, so a consumer that keeps crashing while Kafka answers is
 * restarted, except that a crash because the broker could not be reached starts it again: that
 * consumer is alive and trying, and only Kafka's return can help it. Counted from the first crash, a
 * 90 s Kafka outage restarted both bridges just as Kafka came back, and their dashboards converged
 * 31 s after it instead of about 1 s (chaos/README.md).
 */
export function watchGroupMembership(
  consumer: Pick<Consumer, 'on' | 'events'>,
  options: GroupWatchdogOptions,
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const giveUp = (reason: string) => {
    clearTimeout(timer);
    if (done) return;
    done = true;
    options.onStuck(reason);
  };
  const removers = [
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) return giveUp(`consumer crashed for good: ${payload.error.message}`);
      if (brokerUnreachable(payload.error)) {
        clearTimeout(timer);
        timer = undefined;
      }
      timer ??= setTimeout(
        () => giveUp(`consumer not back in its group ${options.maxOutOfGroupMs / 1000} s after it crashed`),
        options.maxOutOfGroupMs,
      );
    }),
    consumer.on(consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      timer = undefined;
    }),
  ];
  return {
    stop() {
      done = true;
      clearTimeout(timer);
      for (const remove of removers) remove();
    },
  };
}

/**
 * The error, or one it wraps (kafkajs gives up after its retries with the last as cause), is a failed
 * connection. By name, as kafkajs itself tells its errors apart: Node's ESM loader finds only a few
 * of the CommonJS package's exports by name, and the error classes are not among them.
 */
function brokerUnreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e.name === 'KafkaJSConnectionError') return true;
  return false;
}
