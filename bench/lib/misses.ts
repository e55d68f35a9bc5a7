import { setTimeout as sleep } from 'node:timers/promises';
import { createCassandraClient } from '../../adapters/cassandra/client.js';
import { createViewStore } from '../../adapters/cassandra/view-store.js';
import { createRedisClient } from '../../adapters/redis/client.js';
import { createDashboardCache } from '../../adapters/redis/dashboard-cache.js';
import type { Config } from '../../config/index.js';
import {
  Account,
  Partner,
  Widget,
  composeDashboard,
  defaultPreferences,
  mergeWidgetSources,
  renderForClient,
  type SourceResult,
} from '../../dashboard/index.js';
import { resolveClientProfile } from '../../config/capability-matrix.js';
import { apiUrl } from './platform.js';
import { tokensFor } from './users.js';

export const PROFILE_HEADERS = { 'x-client-platform': 'ios', 'x-client-version': '4.0.0' };

/** No cache entry and no view (an earlier run may have built them), so a request takes the rebuild path. */
export async function forgetDashboards(config: Config, userIds: readonly string[]): Promise<void> {
  const cassandra = createCassandraClient(config);
  const redis = createRedisClient(config.REDIS_URL);
  try {
    const views = createViewStore(cassandra);
    const cache = createDashboardCache(redis);
    for (const userId of userIds) await Promise.all([views.erase(userId), cache.erase(userId)]);
  } finally {
    redis.disconnect();
    await cassandra.shutdown();
  }
}

export interface MissSample {
  readonly latencies: number[];
  /** `status x-dashboard-source` → how many answers: proves the requests took the rebuild path. */
  readonly sources: Record<string, number>;
}

/**
 * `GET /v1/dashboard` once for each user (forgotten beforehand), one request at a time, the way one
 * app opening after a long absence waits for it. `gapMs` spreads the requests over a longer
 * operation; `until` ends the sample early.
 */
export async function sampleMisses(
  config: Config,
  userIds: readonly string[],
  options: { gapMs?: number; until?: () => boolean } = {},
): Promise<MissSample> {
  const tokens = await tokensFor(config, userIds);
  const latencies: number[] = [];
  const sources: Record<string, number> = {};
  for (const token of tokens) {
    if (options.until?.()) break;
    const t0 = performance.now();
    let source: string;
    try {
      const response = await fetch(`${apiUrl(config)}/v1/dashboard`, {
        headers: { ...PROFILE_HEADERS, authorization: `Bearer ${token}` },
      });
      await response.text();
      source = `${response.status} ${response.headers.get('x-dashboard-source') ?? '-'}`;
    } catch {
      // An answer that never came is a result too: it shows among the sources.
      source = 'no answer';
    }
    latencies.push(performance.now() - t0);
    sources[source] = (sources[source] ?? 0) + 1;
    if (options.gapMs) await sleep(options.gapMs);
  }
  return { latencies, sources };
}

/** The miss floor: the same four calls in parallel, made directly, composed and rendered in-process. */
export async function sampleMissFloor(config: Config, userIds: readonly string[]): Promise<number[]> {
  const latencies: number[] = [];
  const profile = resolveClientProfile('ios', '4.0.0');
  for (const userId of userIds) {
    const t0 = performance.now();
    const get = async <T>(base: string, path: string, item: { parse: (v: unknown) => T }): Promise<SourceResult<T>> => {
      const body = (await (await fetch(`${base}/v1/users/${userId}/${path}`)).json()) as {
        asOf: string;
        items: unknown[];
      };
      return { status: 'fresh', asOf: body.asOf, items: body.items.map((x) => item.parse(x)) };
    };
    const [accounts, partners, offers, insights] = await Promise.all([
      get(config.ACCOUNTS_URL, 'accounts', Account),
      get(config.PARTNERS_URL, 'partners', Partner),
      get(config.OFFERS_URL, 'offers', Widget),
      get(config.TRANSACTIONS_URL, 'insights', Widget),
    ]);
    const canonical = composeDashboard(
      { accounts, partners, widgets: mergeWidgetSources(offers, insights) },
      defaultPreferences(userId),
      new Date().toISOString(),
    );
    JSON.stringify(renderForClient(canonical, profile));
    latencies.push(performance.now() - t0);
  }
  return latencies;
}
