import type { EventPayload } from '../dashboard/index.js';
import type { OfferIdsOf } from './offer-ids.js';
import type { DashboardView } from './view-events.js';

/** The columns form of a DashboardViews payload (dashboard/contract/events.ts). */
export type ViewColumns = Exclude<EventPayload<'DashboardViews'>, { views: unknown }>;

export interface ViewColumnsBuilder {
  /** Views added so far. */
  readonly size: number;
  add(view: DashboardView, at: number): void;
  /** The payload; the offer ids of each distinct dashboard served are read now, once. */
  payload(offerIdsOf: OfferIdsOf): ViewColumns;
}

/**
 * The views of one DashboardViews event, gathered column by column as they are served. Adding a view
 * pushes a value per column and looks up two maps; nothing of the view object is kept, so it dies with
 * its request instead of surviving young-generation collections in the buffer until the send (what
 * survives is what a collection costs).
 */
export function createViewColumns(firstAt: number): ViewColumnsBuilder {
  const atMs: number[] = [];
  const userIds: string[] = [];
  const clients: ViewColumns['clients'] = [];
  const client: number[] = [];
  const sources: ViewColumns['sources'] = [];
  const latencyMs: number[] = [];
  const etagHits: boolean[] = [];
  // Per view, the dashboard it was served (an index into `served`); sent as the index of its offer list.
  const offers: number[] = [];
  // Clients by profile, then app version: the profile names the platform.
  const clientIndex = new Map<string, Map<string, number>>();
  // Each distinct dashboard served, by its ETag (a strong hash of its bytes), read for its offers at the send.
  const servedIndex = new Map<string, number>();
  const served: DashboardView['served'][] = [];

  const clientOf = (view: DashboardView) => {
    let byVersion = clientIndex.get(view.profile);
    if (byVersion === undefined) clientIndex.set(view.profile, (byVersion = new Map()));
    let index = byVersion.get(view.appVersion);
    if (index === undefined) {
      index = clients.length;
      byVersion.set(view.appVersion, index);
      clients.push({ platform: view.platform, appVersion: view.appVersion, profile: view.profile });
    }
    return index;
  };

  const servedOf = (view: DashboardView) => {
    let index = servedIndex.get(view.served.etag);
    if (index === undefined) {
      index = served.length;
      servedIndex.set(view.served.etag, index);
      served.push(view.served);
    }
    return index;
  };

  return {
    get size() {
      return atMs.length;
    },
    add(view, at) {
      // A wall clock set back meanwhile must not make a view older than the event's first.
      atMs.push(Math.max(0, at - firstAt));
      userIds.push(view.userId);
      client.push(clientOf(view));
      sources.push(view.source);
      latencyMs.push(Math.round(view.latencyMs * 1_000) / 1_000);
      etagHits.push(view.etagHit);
      offers.push(servedOf(view));
    },
    payload(offerIdsOf) {
      // Many dashboards show the same offers: each distinct list is sent once.
      const offerLists: string[][] = [];
      const listIndex = new Map<string, number>();
      const listOfServed = served.map((dashboard) => {
        const ids = offerIdsOf(dashboard);
        const key = ids.join(' ');
        let index = listIndex.get(key);
        if (index === undefined) {
          index = offerLists.length;
          listIndex.set(key, index);
          offerLists.push([...ids]);
        }
        return index;
      });
      return {
        firstAt: new Date(firstAt).toISOString(),
        atMs,
        userIds,
        clients,
        client,
        sources,
        latencyMs,
        etagHits,
        offerLists,
        offers: offers.map((dashboard) => listOfServed[dashboard] ?? 0),
      };
    },
  };
}
