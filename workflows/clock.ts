/**
 * The workflow's clock. Inside Temporal's workflow sandbox `Date` is deterministic: it reads the time
 * recorded in the workflow's history, so a replay sees the same value. The ESLint ban on clock reads in
 * workflows/ exists to keep every read in this one reviewed place.
 */
export function workflowNow(): number {
  // eslint-disable-next-line no-restricted-properties -- sandboxed, replay-safe (see above)
  return Date.now();
}

export function workflowNowIso(): string {
  return new Date(workflowNow()).toISOString();
}
