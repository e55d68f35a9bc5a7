import type { Trigger } from '../../workflows/definitions.js';

export interface UserTrigger {
  readonly userId: string;
  readonly trigger: Trigger;
}

export interface TriggerBatcher {
  /** Resolves once Temporal accepted work covering these users; rejects if that start failed (retry it). */
  submit(users: readonly UserTrigger[]): Promise<void>;
}

interface Group {
  readonly users: Map<string, Trigger>;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Group commit for rebuild triggers. The bridge consumes up to 30 partitions at once, each batch a few
 * users; starting a workflow per partition batch would make Temporal's cost per user grow back. A
 * start goes out at once when fewer than `maxInFlight` are under way, so an idle bridge adds no delay;
 * while starts are in flight, what arrives collects into the next one, so under load each start covers
 * more users. (No library does this "flush while in flight" batching with per-caller acknowledgement;
 * DataLoader batches per tick and would start one workflow per partition batch again.)
 */
export function createTriggerBatcher(start: (users: UserTrigger[]) => Promise<void>, options: { maxInFlight?: number } = {}): TriggerBatcher {
  const maxInFlight = options.maxInFlight ?? 2;
  let collecting: Group | undefined;
  let inFlight = 0;

  const pump = () => {
    while (collecting && inFlight < maxInFlight) {
      const group = collecting;
      collecting = undefined;
      inFlight++;
      start([...group.users].map(([userId, trigger]) => ({ userId, trigger })))
        .then(
          () => group.waiters.forEach((w) => w.resolve()),
          (error: unknown) => group.waiters.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };

  return {
    submit(users) {
      if (users.length === 0) return Promise.resolve();
      const group: Group = (collecting ??= { users: new Map(), waiters: [] });
      // A preference change is the more telling reason when a user has both kinds of trigger.
      for (const { userId, trigger } of users) if (group.users.get(userId) !== 'preferences') group.users.set(userId, trigger);
      const accepted = new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
      pump();
      return accepted;
    },
  };
}
