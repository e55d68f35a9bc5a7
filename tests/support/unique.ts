import { randomUUID } from 'node:crypto';

/** A name no other test (or earlier run against the same long-lived stack) has used. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
