import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { CacheEntry, DashboardCache } from '../adapters/redis/dashboard-cache.js';
import { renderEntry } from '../adapters/redis/dashboard-cache.js';
import type { ViewStore } from '../adapters/cassandra/view-store.js';
import type { DashboardWorkflows } from '../adapters/temporal/dashboard-workflows.js';
import type { CanonicalDashboard, ClientProfile } from '../dashboard/index.js';
import type { ApiMetrics, DashboardSource } from './metrics.js';
import { ApiError } from './problem.js';
import type { SingleFlightLock } from '../adapters/redis/swr-lock.js';
import { withTimeout } from './with-timeout.js';

export interface DashboardRead {
  readonly entry: CacheEntry;
  readonly source: DashboardSource;
  /** A cache entry past its soft TTL was served; a background rebuild was asked for. */
  readonly stale: boolean;
}

export interface ReadPathOptions {
  readonly cache: Pick<DashboardCache, 'get' | 'put'>;
  readonly views: Pick<ViewStore, 'load'>;
  readonly workflows: Pick<DashboardWorkflows, 'rebuildNow' | 'requestRebuild'>;
  readonly lock: SingleFlightLock;
  readonly metrics: ApiMetrics;
  readonly logger: Logger;
  readonly softTtlMs: number;
  /** The whole miss path (view read + synchronous rebuild) answers within this, or 503. */
  readonly deadlineMs: number;
  /** How long Redis and Cassandra may take before the read moves on to the next source. */
  readonly cacheTimeoutMs?: number;
  readonly viewTimeoutMs?: number;
  /** How long one background rebuild request covers a user across all API processes. */
  readonly revalidateLeaseMs?: number;
  /** Seconds a client is told to wait after a 503. */
  readonly retryAfterSeconds?: number;
}

export interface ReadPath {
  read(userId: string, profile: ClientProfile, logger?: Logger): Promise<DashboardRead>;
}

interface Loaded {
  readonly view: CanonicalDashboard;
  readonly source: 'view' | 'rebuild';
}

/**
 * GET dashboard: Redis (ready-to-send bytes per user and profile) -> the Cassandra view (rendered,
 * Redis re-warmed) -> a synchronous rebuild through Temporal with a deadline. Each step that fails
 * or is slow is skipped rather than waited on, so a Redis outage costs one short timeout and a
 * Cassandra outage falls through to the rebuild.
 */
export function createReadPath(options: ReadPathOptions): ReadPath {
  const cacheTimeoutMs = options.cacheTimeoutMs ?? 500;
  const viewTimeoutMs = options.viewTimeoutMs ?? 1_000;
  const leaseMs = options.revalidateLeaseMs ?? Math.max(10_000, 2 * options.deadlineMs);
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  // Concurrent misses of one user in this process share one view read and at most one rebuild; across
  // processes the rebuild workflow (one id per user, update-with-start) makes them share the build.
  const inflight = new Map<string, Promise<Loaded>>();

  const load = (userId: string, logger: Logger): Promise<Loaded> => {
    const running = inflight.get(userId);
    if (running) return running;
    const deadlineAt = Date.now() + options.deadlineMs;
    const loading = (async (): Promise<Loaded> => {
      const view = await withTimeout(options.views.load(userId), viewTimeoutMs, 'view store').catch(
        (error: unknown) => {
          logger.warn({ err: error }, 'view store unavailable; rebuilding');
          return undefined;
        },
      );
      if (view) return { view, source: 'view' };
      options.metrics.rebuildsTriggered.inc({ kind: 'sync' });
      const remaining = deadlineAt - Date.now();
      const built = await withTimeout(options.workflows.rebuildNow(userId, 'miss', remaining), remaining, 'rebuild');
      return { view: built, source: 'rebuild' };
    })().finally(() => inflight.delete(userId));
    inflight.set(userId, loading);
    return loading;
  };

  // Users this process asked the lock for, until their lease could have ended: before, every read of a
  // stale entry took a Redis round trip for a lock it could not win (a bench run of 300 stale users
  // served 1,500 reads a second for 16 s, a tenth of its rate).
  const asked = new LRUCache<string, true>({ max: 100_000, ttl: leaseMs });
  const revalidate = async (userId: string) => {
    if (asked.has(userId)) return;
    asked.set(userId, true);
    if (!(await options.lock.tryAcquire(`swr:${userId}`, leaseMs))) return;
    options.metrics.rebuildsTriggered.inc({ kind: 'background' });
    await options.workflows.requestRebuild(userId, 'miss');
  };

  return {
    async read(userId, profile, logger = options.logger) {
      let cacheUp = true;
      const cached = await withTimeout(options.cache.get(userId, profile), cacheTimeoutMs, 'dashboard cache').catch(
        (error: unknown) => {
          cacheUp = false;
          logger.warn({ err: error }, 'dashboard cache unavailable; reading the view');
          return undefined;
        },
      );

      if (cached) {
        const stale = Date.now() - cached.cachedAt > options.softTtlMs;
        // Served at once either way; the refresh runs behind the response.
        if (stale)
          revalidate(userId).catch((error: unknown) =>
            logger.warn({ err: error }, 'background rebuild request failed'),
          );
        options.metrics.dashboardReads.inc({ source: 'cache', stale: String(stale) });
        return { entry: cached, source: 'cache', stale };
      }

      let loaded: Loaded;
      try {
        loaded = await load(userId, logger);
      } catch (error) {
        logger.warn({ err: error }, 'no dashboard within the deadline');
        throw new ApiError(503, 'DASHBOARD_UNAVAILABLE', {
          detail: 'The dashboard cannot be built right now; try again shortly',
          headers: { 'Retry-After': retryAfter },
        });
      }
      // Re-warm only a cache that answered: a struggling Redis is not asked twice in one request.
      const entry = cacheUp
        ? await withTimeout(options.cache.put(loaded.view, profile), cacheTimeoutMs, 'dashboard cache').catch(
            (error: unknown) => {
              logger.warn({ err: error }, 'could not re-warm the dashboard cache');
              return renderEntry(loaded.view, profile, Date.now());
            },
          )
        : renderEntry(loaded.view, profile, Date.now());
      options.metrics.dashboardReads.inc({ source: loaded.source, stale: 'false' });
      return { entry, source: loaded.source, stale: false };
    },
  };
}
