import { workflowNow } from './clock.js';
import type { Settling } from '../contract/workflows.js';

/**
 * How builds that fell short are tried again (since 'settle-builds'). A build commits at its view
 * write; what it could not finish (a source answered only with its snapshot, Redis or Kafka away, or
 * the build itself failed for a reason that passes, such as Cassandra away) is finished by a later
 * build, without a new trigger. The delay doubles from 2 s to 20 s, so a recovered component is seen
 * within about 20 s, and the retries end after a day: an outage of any length this platform expects
 * delays work without losing it, and no retry goes on for ever.
 */
export const SETTLE_WITHIN_MS = 24 * 60 * 60 * 1000;
const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 20_000;

/** Settling state after a build: started (or kept) when it fell short, cleared when it did not. */
export function afterBuild(settling: Settling | undefined, fellShort: boolean): Settling | undefined {
  if (!fellShort) return undefined;
  return settling ?? { since: workflowNow(), retries: 0 };
}

/** Whether another try is still due, and after how long. */
export function nextTry(settling: Settling | undefined): { delayMs: number; next: Settling } | undefined {
  if (!settling || workflowNow() - settling.since >= SETTLE_WITHIN_MS) return undefined;
  return {
    delayMs: Math.min(FIRST_DELAY_MS * 2 ** settling.retries, MAX_DELAY_MS),
    next: { ...settling, retries: settling.retries + 1 },
  };
}
