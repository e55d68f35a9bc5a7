import { describe, expect, it } from 'vitest';
import { createCommitQueue, handledPrefix, type BatchOutcome } from '../../workers/bridge/commit-queue.js';

/** A queue whose commits and rewinds are recorded, and batches whose work finishes when a test says so. */
function queue() {
  const commits: string[] = [];
  const rewinds: string[] = [];
  const errors: unknown[] = [];
  const q = createCommitQueue({
    commit: async (offsets) => {
      commits.push(...offsets.map(({ topic, partition, offset }) => `${topic}/${partition}@${offset}`));
    },
    rewind: (topic, partition, offset) => rewinds.push(`${topic}/${partition}@${offset}`),
    onWorkError: (error) => errors.push(error),
  });
  const batch = (partition: number, first: string) => {
    let finish: (outcome: BatchOutcome) => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    let current: () => boolean = () => true;
    q.track('t', partition, first, (isCurrent) => {
      current = isCurrent;
      return new Promise<BatchOutcome>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
    });
    return { finish: (o: BatchOutcome) => finish(o), fail: (e: Error) => fail(e), current: () => current() };
  };
  // Lets the settled work's callbacks and commits run (drain would also wait for work left unfinished).
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { q, commits, rewinds, errors, batch, settle };
}

const complete = (next: string, handled: number): BatchOutcome => ({ next, handled, complete: true });

describe('createCommitQueue', () => {
  it('commits a partition only over batches that are all done, in the order they were read', async () => {
    const { q, commits, batch, settle } = queue();
    const first = batch(0, '0');
    const second = batch(0, '3');
    const elsewhere = batch(1, '0');
    await Promise.resolve();
    second.finish(complete('5', 2));
    elsewhere.finish(complete('4', 4));
    await settle();
    // The later batch is done, the earlier one is not: partition 0 stays where it was; partition 1 moves.
    expect(commits).toEqual(['t/1@4']);
    expect(q.pending('t', 0)).toBe(2);

    first.finish(complete('3', 3));
    await settle();
    expect(commits).toEqual(['t/1@4', 't/0@5']);
    expect(q.pending('t', 0)).toBe(0);
  });

  it('commits the handled prefix of a batch that stopped short, rewinds to its first unhandled message and forgets the batches after it', async () => {
    const { q, commits, rewinds, batch, settle } = queue();
    const first = batch(0, '0');
    const second = batch(0, '10');
    await Promise.resolve();
    first.finish({ next: '6', handled: 6, complete: false });
    await settle();
    expect(commits).toEqual(['t/0@6']);
    expect(rewinds).toEqual(['t/0@6']);
    // The batch read past the rewind is no longer current: its work may stop, and it never commits.
    expect(second.current()).toBe(false);
    expect(q.pending('t', 0)).toBe(0);
    second.finish(complete('20', 10));
    await settle();
    expect(commits).toEqual(['t/0@6']);
  });

  it('rewinds to the start of a batch whose work failed, and reports the failure', async () => {
    const { commits, rewinds, errors, batch, settle } = queue();
    const failing = batch(2, '7');
    await Promise.resolve();
    failing.fail(new Error('a bug'));
    await settle();
    expect(commits).toEqual([]);
    expect(rewinds).toEqual(['t/2@7']);
    expect(errors).toHaveLength(1);
  });

  it('forgets every pending commit on a reset (a rebalance): work done after it is not committed', async () => {
    const { q, commits, batch, settle } = queue();
    const pending = batch(0, '0');
    await Promise.resolve();
    q.reset();
    expect(pending.current()).toBe(false);
    pending.finish(complete('3', 3));
    await settle();
    expect(commits).toEqual([]);
    const after = batch(0, '0');
    await Promise.resolve();
    after.finish(complete('3', 3));
    await settle();
    expect(commits).toEqual(['t/0@3']);
  });
});

describe('commits', () => {
  it('sends one request at a time, with the furthest offset of every partition that moved meanwhile', async () => {
    const requests: string[][] = [];
    let release: () => void = () => undefined;
    const q = createCommitQueue({
      commit: (offsets) => {
        requests.push(offsets.map(({ partition, offset, messages }) => `${partition}@${offset} (${messages})`));
        return new Promise<void>((resolve) => (release = resolve));
      },
      rewind: () => undefined,
      onWorkError: () => undefined,
    });
    const done = (partition: number, first: string, next: string, handled: number) =>
      q.track('t', partition, first, async () => complete(next, handled));
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    done(0, '0', '2', 2);
    await settle();
    expect(requests).toEqual([['0@2 (2)']]);
    // While that request is out, two batches of partition 0 and one of partition 1 are done.
    done(0, '2', '4', 2);
    done(0, '4', '7', 3);
    done(1, '0', '1', 1);
    await settle();
    expect(requests).toHaveLength(1);
    release();
    await settle();
    expect(requests).toEqual([['0@2 (2)'], ['0@7 (5)', '1@1 (1)']]);
    release();
    await q.drain();
  });
});

describe('handledPrefix', () => {
  const messages = [{ offset: '10' }, { offset: '11' }, { offset: '12' }];

  it('reaches past the last message when every message was handled', () => {
    expect(handledPrefix(messages, [true, true, true])).toEqual({ next: '13', handled: 3, complete: true });
  });

  it('stops at the first message not handled, even if later ones were', () => {
    expect(handledPrefix(messages, [true, false, true])).toEqual({ next: '11', handled: 1, complete: false });
    expect(handledPrefix(messages, [false, true, true])).toEqual({ next: '10', handled: 0, complete: false });
  });
});

describe('drain', () => {
  it('settles once every batch is done and its commit was sent', async () => {
    const { q, commits, batch, settle } = queue();
    const pending = batch(0, '0');
    let drained = false;
    const draining = q.drain().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    pending.finish(complete('2', 2));
    await draining;
    expect(commits).toEqual(['t/0@2']);
  });
});
