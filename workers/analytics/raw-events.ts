import type { RawEvent } from '../../adapters/postgres/analytics-store.js';
import type { UserKeyStore } from '../../adapters/cassandra/user-key-store.js';
import { openJson } from '../../adapters/crypto/user-cipher.js';
import { Preferences, viewRecordsOf, type DomainEvent } from '../../dashboard/index.js';

/**
 * The raw events one consumed event stands for: itself, except a DashboardViews batch, which is the
 * DashboardViewed events it carries, each with its own id and time (so a view is stored once, whichever
 * batch or redelivery brings it, and rollups read views of one type).
 */
export function rawEventsOf(event: DomainEvent): RawEvent[] {
  if (event.type !== 'DashboardViews')
    return [{ eventId: event.id, type: event.type, userId: event.subject, occurredAt: event.time, data: event.data }];
  return viewRecordsOf(event.id, event.data).map(({ id, time, ...view }) => ({
    eventId: id,
    type: 'DashboardViewed',
    userId: view.userId,
    occurredAt: time,
    data: view,
  }));
}

/**
 * A PreferencesChanged event carries the user's document sealed with their key (crypto-shredding):
 * opened here, because rollups read it in SQL, and kept in the raw event, which erasure deletes with
 * the key. An event whose key is gone belongs to an erased user and is dropped (undefined), as is the
 * document of one that does not open or is not a preferences document.
 */
export async function openSealed(
  event: DomainEvent,
  keys: Pick<UserKeyStore, 'find'>,
): Promise<DomainEvent | undefined> {
  if (event.type !== 'PreferencesChanged' || event.data.sealedPreferences === undefined) return event;
  const { sealedPreferences, ...data } = event.data;
  const key = await keys.find(event.subject, sealedPreferences.keyId);
  if (!key) return undefined;
  let opened: unknown;
  try {
    opened = openJson(key, sealedPreferences);
  } catch {
    return { ...event, data };
  }
  const preferences = Preferences.safeParse(opened);
  return { ...event, data: preferences.success ? { ...data, preferences: preferences.data } : data };
}
