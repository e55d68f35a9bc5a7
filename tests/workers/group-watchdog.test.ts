import { EventEmitter } from 'node:events';
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  type Consumer,
} from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchGroupMembership } from '../../workers/group-watchdog.js';

/**
 * The watchdog of the bridge's and the analytics process's consumers: a consumer that crashed and is
 * not back in its group within the bound gets its process restarted. Pure logic on kafkajs's events
 * (the hang it guards against could not be made to happen on demand), so a stand-in emits them.
 */
const events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' } as Consumer['events'];

function fakeConsumer() {
  const emitter = new EventEmitter();
  const consumer = {
    events,
    on: (name: string, listener: (event: unknown) => void) => {
      emitter.on(name, listener);
      return () => emitter.off(name, listener);
    },
  } as unknown as Pick<Consumer, 'on' | 'events'>;
  return {
    consumer,
    crash: (restart: boolean, error: Error = new Error('Request Fetch timed out')) =>
      emitter.emit(events.CRASH, { payload: { error, restart } }),
    join: () => emitter.emit(events.GROUP_JOIN, { payload: {} }),
    listeners: () => emitter.listenerCount(events.CRASH) + emitter.listenerCount(events.GROUP_JOIN),
  };
}

describe('consumer group watchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives up on a consumer that crashed and is not back in its group within the bound, once', () => {
    const fake = fakeConsumer();
    const onStuck = vi.fn();
    watchGroupMembership(fake.consumer, { maxOutOfGroupMs: 90_000, onStuck });
    fake.crash(true);
    vi.advanceTimersByTime(60_000);
    // A restart that crashes again does not buy more time.
    fake.crash(true);
    vi.advanceTimersByTime(29_999);
    expect(onStuck).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onStuck).toHaveBeenCalledTimes(1);
    expect(onStuck.mock.calls[0]?.[0]).toContain('not back in its group 90 s after it crashed');
    fake.crash(true);
    vi.advanceTimersByTime(200_000);
    expect(onStuck).toHaveBeenCalledTimes(1);
  });

  it('leaves a consumer alone that rejoined in time, and bounds its next crash afresh', () => {
    const fake = fakeConsumer();
    const onStuck = vi.fn();
    watchGroupMembership(fake.consumer, { maxOutOfGroupMs: 90_000, onStuck });
    fake.crash(true);
    vi.advanceTimersByTime(80_000);
    fake.join();
    vi.advanceTimersByTime(200_000);
    expect(onStuck).not.toHaveBeenCalled();
    fake.crash(true);
    vi.advanceTimersByTime(89_999);
    expect(onStuck).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onStuck).toHaveBeenCalledTimes(1);
  });

  it('gives up at once on a consumer that crashed for good (kafkajs will not restart it)', () => {
    const fake = fakeConsumer();
    const onStuck = vi.fn();
    watchGroupMembership(fake.consumer, { maxOutOfGroupMs: 90_000, onStuck });
    fake.crash(false);
    expect(onStuck).toHaveBeenCalledTimes(1);
    expect(onStuck.mock.calls[0]?.[0]).toContain('crashed for good: Request Fetch timed out');
  });

  it('waits out a Kafka that cannot be reached, then bounds the rejoin from its last try', () => {
    const fake = fakeConsumer();
    const onStuck = vi.fn();
    watchGroupMembership(fake.consumer, { maxOutOfGroupMs: 90_000, onStuck });
    // As kafkajs reports it after its retries: the refused connection is the cause of the cause.
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const unreachable = () =>
      new KafkaJSNumberOfRetriesExceeded(Object.assign(new KafkaJSNonRetriableError(refused), { cause: refused }), {
        retryCount: 5,
        retryTime: 10_000,
      });
    fake.crash(true);
    // Kafka away for 5 minutes: the consumer crashes on every try to reach it, and is left to go on trying.
    for (let minute = 0; minute < 5; minute++) {
      vi.advanceTimersByTime(50_000);
      fake.crash(true, unreachable());
    }
    expect(onStuck).not.toHaveBeenCalled();
    // Kafka is back, and the consumer's restart hangs without a word: 90 s after its last try it is given up.
    vi.advanceTimersByTime(89_999);
    expect(onStuck).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onStuck).toHaveBeenCalledTimes(1);
  });

  it('says nothing once stopped: a consumer stopped on purpose is not stuck', () => {
    const fake = fakeConsumer();
    const onStuck = vi.fn();
    const watchdog = watchGroupMembership(fake.consumer, { maxOutOfGroupMs: 90_000, onStuck });
    fake.crash(true);
    watchdog.stop();
    vi.advanceTimersByTime(200_000);
    expect(onStuck).not.toHaveBeenCalled();
    expect(fake.listeners()).toBe(0);
  });
});
