import { z } from 'zod';
import { ClientDashboard } from '../../../dashboard/contract/dashboard.js';

/** The last dashboard this browser received for a user, kept for when the network is away. */
export interface LastKnownDashboard {
  readonly dashboard: ClientDashboard;
  readonly etag: string | null;
  /** When it was last confirmed current by the server (a 200 or a 304). */
  readonly fetchedAt: string;
}

const Stored = z.object({ dashboard: ClientDashboard, etag: z.string().nullable(), fetchedAt: z.string() });

const keyFor = (userId: string) => `dashboard.last.${userId}`;

export function loadLastKnown(storage: Storage, userId: string): LastKnownDashboard | null {
  try {
    const parsed = Stored.safeParse(JSON.parse(storage.getItem(keyFor(userId)) ?? 'null'));
    // A copy written by an older app version (or by hand) is not shown: the contract decides.
    return parsed.success && parsed.data.dashboard.userId === userId ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveLastKnown(storage: Storage, userId: string, entry: LastKnownDashboard): void {
  try {
    storage.setItem(keyFor(userId), JSON.stringify(entry));
  } catch {
    // A full or disabled storage costs only the offline copy; the app works without it.
  }
}
