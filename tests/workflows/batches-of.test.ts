import { describe, expect, it } from 'vitest';
import { MAX_USER_ID_ATTRIBUTE_BYTES, MAX_USERS_PER_BATCH, batchesOf } from '../../contract/workflows.js';

const users = (count: number, length: number) =>
  Array.from({ length: count }, (_, i) => ({ userId: `u${i}`.padEnd(length, 'x') }));

describe('batchesOf', () => {
  it('keeps every user, in order, in batches within the count and the search attribute size', () => {
    for (const [count, length] of [
      [1, 3],
      [250, 4],
      [250, 20],
      [250, 64],
    ] as const) {
      const input = users(count, length);
      const batches = batchesOf(input);
      expect(batches.flat()).toEqual(input);
      for (const batch of batches) {
        expect(batch.length).toBeLessThanOrEqual(MAX_USERS_PER_BATCH);
        expect(JSON.stringify(batch.map((u) => u.userId)).length).toBeLessThanOrEqual(MAX_USER_ID_ATTRIBUTE_BYTES);
      }
    }
  });

  it('fills batches of short ids up to the count, and of long ids up to the size', () => {
    expect(batchesOf(users(250, 4)).map((b) => b.length)).toEqual([100, 100, 50]);
    // 64 characters, quoted and separated: 67 bytes each, so 29 fit in 2,000 bytes.
    expect(batchesOf(users(60, 64)).map((b) => b.length)).toEqual([29, 29, 2]);
    expect(batchesOf([])).toEqual([]);
  });
});
