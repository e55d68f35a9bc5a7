import type { EventPayload } from './contract/events.js';

/** One DashboardViewed carried by a DashboardViews event, with the id and time of its own. */
export type ViewRecord = Extract<EventPayload<'DashboardViews'>, { views: unknown }>['views'][number];

/** The views a DashboardViews event carries, whichever form it came in, in the order they were served. */
export function viewRecordsOf(eventId: string, data: EventPayload<'DashboardViews'>): ViewRecord[] {
  if ('views' in data) return data.views;
  const firstAt = Date.parse(data.firstAt);
  // The schema checked that every column has an entry per view and every index names an entry.
  return data.atMs.map((atMs, i) => ({
    id: `${eventId}:${i}`,
    time: new Date(firstAt + atMs).toISOString(),
    userId: data.userIds[i]!,
    ...data.clients[data.client[i]!]!,
    source: data.sources[i]!,
    latencyMs: data.latencyMs[i]!,
    etagHit: data.etagHits[i]!,
    offerIds: data.offerLists[data.offers[i]!]!,
  }));
}
