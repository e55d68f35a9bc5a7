import { createDevToken } from '../../adapters/auth/dev-token.js';
import type { Config } from '../../config/index.js';

export const userId = (n: number) => `u-${n}`;

/**
 * Hands out disjoint runs of the seeded users `u-1` .. `u-N`, so no scenario finds another's work
 * done (a view built, a cache warmed, a rebuild still queued) and the floors never share users with
 * what they are compared to.
 */
export interface UserPool {
  take(count: number, purpose: string): string[];
  /** How many users the scenarios have taken so far. */
  readonly taken: number;
}

export function createUserPool(seedUsers: number): UserPool {
  let next = 1;
  return {
    take(count, purpose) {
      if (next + count - 1 > seedUsers)
        throw new Error(
          `${purpose} needs ${count} users, but only ${seedUsers - next + 1} of the ${seedUsers} seeded are left`,
        );
      const ids = Array.from({ length: count }, (_, i) => userId(next + i));
      next += count;
      return ids;
    },
    get taken() {
      return next - 1;
    },
  };
}

export async function tokensFor(config: Config, userIds: readonly string[]): Promise<string[]> {
  return Promise.all(userIds.map((id) => createDevToken(config, { userId: id })));
}

/** Runs `work` over the items, `concurrency` at a time, in order. */
export async function inBatches<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += concurrency) await Promise.all(items.slice(i, i + concurrency).map(work));
}
