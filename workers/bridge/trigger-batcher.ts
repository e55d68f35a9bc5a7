import type { Trigger } from '../../contract/workflows.js';

export interface UserTrigger {
  readonly userId: string;
  readonly trigger: Trigger;
  /** When the oldest event behind this trigger was written (an ISO time). */
  readonly since?: string;
  /** The trace of the change behind this trigger (the bridge's span for it). */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** A start Temporal accepted; `finished` settles when the started work is done. */
export interface StartedRebuilds {
  readonly finished: Promise<unknown>;
}

/**
 * Adds a user's trigger to a set of users: a preference change is the more telling reason when there
 * are both, and the oldest event tells how long the user has waited.
 */
export function addTrigger(users: Map<string, UserTrigger>, next: UserTrigger): void {
  const { userId, trigger, since } = next;
  const known = users.get(userId);
  const oldest =
    known?.since === undefined || (since !== undefined && Date.parse(since) < Date.parse(known.since))
      ? since
      : known.since;
  // The first change's trace stays the user's: later ones joined its build.
  const traced = known?.traceparent === undefined ? next : known;
  users.set(userId, {
    userId,
    ...(traced.traceparent === undefined ? {} : { traceparent: traced.traceparent }),
    ...(traced.tracestate === undefined ? {} : { tracestate: traced.tracestate }),
    trigger: known?.trigger === 'preferences' ? 'preferences' : trigger,
    ...(oldest === undefined ? {} : { since: oldest }),
  });
}

export interface TriggerBatcher {
  /** Resolves once Temporal accepted work covering these users; rejects if that start failed (retry it). */
  submit(users: readonly UserTrigger[]): Promise<void>;
}

interface Group {
  readonly users: Map<string, UserTrigger>;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Group commit for rebuild triggers, paced by the worker. The bridge consumes up to 30 partitions at
 * once, each batch a few users; a workflow per partition batch would bring back a workflow run per
 * handful of users, and a run costs the worker more than its builds (measured: batches of about one
 * user at 50 writes/s queued seconds behind each other in the task queue). So a start goes out at once
 * while fewer than `maxInFlight` started batches are unfinished, and otherwise what arrives collects
 * into the next one: an idle platform adds no delay, a busy one gets bigger batches. A batch stops
 * counting as in flight after `inFlightTimeoutMs`, so a stopped worker slows the bridge but never halts
 * it (started work waits durably in Temporal). No library does this "flush when a slot frees" batching
 * with per-caller acknowledgement; DataLoader batches per tick.
 */
export function createTriggerBatcher(
  start: (users: UserTrigger[]) => Promise<StartedRebuilds>,
  options: { maxInFlight?: number; inFlightTimeoutMs?: number } = {},
): TriggerBatcher {
  const maxInFlight = options.maxInFlight ?? 4;
  const inFlightTimeoutMs = options.inFlightTimeoutMs ?? 3_000;
  let collecting: Group | undefined;
  let inFlight = 0;

  const pump = () => {
    while (collecting && inFlight < maxInFlight) {
      const group = collecting;
      collecting = undefined;
      inFlight++;
      let timer: NodeJS.Timeout | undefined;
      const release = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, inFlightTimeoutMs);
      });
      start([...group.users.values()])
        .then(
          (started) => {
            group.waiters.forEach((w) => w.resolve());
            return Promise.race([started.finished.catch(() => undefined), release]);
          },
          (error: unknown) => group.waiters.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          clearTimeout(timer);
          inFlight--;
          pump();
        });
    }
  };

  return {
    submit(users) {
      if (users.length === 0) return Promise.resolve();
      const group: Group = (collecting ??= { users: new Map(), waiters: [] });
      for (const user of users) addTrigger(group.users, user);
      const accepted = new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
      pump();
      return accepted;
    },
  };
}
