import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { AnalyticsStore } from '../postgres/analytics-store.js';
import {
  OfferInsights,
  PersonalisationInsights,
  RebuildInsights,
  UsageInsights,
  type InsightsQuery,
} from '../../dashboard/index.js';
import { parseJson } from '../../dashboard/parse-json.js';

export type InsightsReader = Pick<AnalyticsStore, 'usage' | 'personalisation' | 'offers' | 'rebuilds'>;
type Summaries = InsightsReader & Pick<AnalyticsStore, 'summariesChangedAt'>;

/**
 * Insights answered through Redis: a range's summaries change only when a rollup touches one of its
 * days (hourly), so a chart reopened by many product people costs the analytics store one look-up of
 * the range's last rollup (a primary-key range of at most 366 rows) instead of its aggregations. The
 * key carries that time, so an answer is never older than the latest rollup. A Redis that is away is
 * skipped, never waited on; what the cache holds is parsed like any input.
 */
export function createCachedInsights(
  store: Summaries,
  redis: Redis,
  /** `namespace` names the store (its schema), so two stores never share cached answers. */
  options: { namespace: string; ttlSeconds?: number },
) {
  // Kept a day at most: a newer rollup makes a new key, so the TTL only bounds what Redis holds.
  const ttlSeconds = options.ttlSeconds ?? 86_400;
  const cached =
    <T>(kind: keyof InsightsReader, schema: z.ZodType<T>) =>
    async (query: InsightsQuery): Promise<T> => {
      const changedAt = await store.summariesChangedAt(query);
      const key = `insights:v1:${options.namespace}:${kind}:${query.from}:${query.to}:${query.platform ?? '*'}:${changedAt}`;
      const hit = await redis.get(key).catch(() => null);
      const parsed = hit === null ? undefined : schema.safeParse(parseJson(hit));
      if (parsed?.success) return parsed.data;
      const fresh = (await store[kind](query)) as T;
      await redis.set(key, JSON.stringify(fresh), 'EX', ttlSeconds).catch(() => undefined);
      return fresh;
    };
  return {
    usage: cached('usage', UsageInsights),
    personalisation: cached('personalisation', PersonalisationInsights),
    offers: cached('offers', OfferInsights),
    rebuilds: cached('rebuilds', RebuildInsights),
  } satisfies InsightsReader;
}
