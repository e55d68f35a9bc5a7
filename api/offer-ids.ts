import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { CacheEntry } from '../adapters/redis/dashboard-cache.js';
import { isOfferWidgetId } from '../dashboard/index.js';
import { parseJson } from '../dashboard/parse-json.js';

/** The contract's cap on offer ids per DashboardViewed. */
const MAX_OFFER_IDS = 100;

// Only the part of a ClientDashboard that names offers: the widgets section holds the offers it showed
// and the transaction insights, told apart by their ids. The full ClientDashboard schema would check
// far more than this needs.
const ShownWidgets = z.object({
  sections: z.object({
    widgets: z.object({ items: z.array(z.object({ widget_id: z.string() })) }).optional(),
  }),
});

export type OfferIdsOf = (served: Pick<CacheEntry, 'etag' | 'body'>) => readonly string[];

/**
 * The offers a served dashboard showed, read from the bytes that were sent. The cache entry holds only
 * those bytes, so the ids come from parsing them; the ETag is a strong hash of the same bytes, so the
 * ids are remembered by ETag and each distinct dashboard is parsed once. Apps re-read the same version
 * many times (every open, every 304), so almost every view costs one map lookup; the bound keeps a
 * process that serves many users from holding an id list per dashboard it ever sent.
 */
export function createOfferIdsReader(options: { max?: number } = {}): OfferIdsOf {
  const byEtag = new LRUCache<string, readonly string[]>({ max: options.max ?? 10_000 });
  return (served) => {
    const known = byEtag.get(served.etag);
    if (known) return known;
    const parsed = ShownWidgets.safeParse(parseJson(served.body));
    // A body without a widgets section (an app that cannot show them) showed no offers.
    const ids = parsed.success
      ? (parsed.data.sections.widgets?.items ?? [])
          .map((w) => w.widget_id)
          .filter(isOfferWidgetId)
          .slice(0, MAX_OFFER_IDS)
      : [];
    byEtag.set(served.etag, ids);
    return ids;
  };
}
