import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { renameAccount } from '../bench/lib/domain-writes.js';
import type { Config } from '../config/index.js';

/** Who the load touches: each user's first account (renamed) and an API token. */
export interface ChaosUsers {
  readonly ids: readonly string[];
  readonly accountOf: ReadonlyMap<string, string>;
  readonly tokenOf: ReadonlyMap<string, string>;
}

export interface LoadResult {
  readonly writesAccepted: number;
  readonly writesRefused: number;
  readonly preferencesAccepted: number;
  /** Preference requests that got no 2xx even after repeats with the same Idempotency-Key. */
  readonly preferencesRefused: number;
  readonly reads: number;
  /** 5xx answers to reads of warmed (cached) dashboards. */
  readonly reads5xx: number;
  /** Users with an accepted change: what the dashboards are checked against afterwards. */
  readonly touched: ReadonlySet<string>;
  /** When the last change was accepted (epoch ms): an app repeating a refused change may get its 2xx late. */
  readonly lastAcceptedAt: number;
}

const LAYOUTS = ['list', 'grid', 'compact'] as const;
export const CLIENT = { 'X-Client-Platform': 'ios', 'X-Client-Version': '4.0.0' };

/**
 * A fetch to one of the API replicas, trying the other when one does not answer at all (a killed or
 * frozen process), as a load balancer would; undefined when neither answered.
 */
export async function callApi(
  apiUrls: readonly string[],
  path: string,
  init: RequestInit,
): Promise<Response | undefined> {
  const first = Math.floor(Math.random() * apiUrls.length);
  for (let i = 0; i < apiUrls.length; i++) {
    try {
      return await fetch(`${apiUrls[(first + i) % apiUrls.length]}${path}`, {
        ...init,
        signal: AbortSignal.timeout(3_000),
      });
    } catch {
      // not reachable: the next replica
    }
  }
  return undefined;
}

/**
 * A steady load while faults happen: account renames at the accounts service (each journaled and
 * published, so the bridge rebuilds), preference changes through the API (repeated with the same
 * Idempotency-Key until answered, as an app does), and dashboard reads. Only what was acknowledged
 * counts as accepted.
 */
export function startLoad(
  config: Config,
  apiUrls: readonly string[],
  users: ChaosUsers,
  rates: { writes: number; preferences: number; reads: number },
): { stop(): Promise<LoadResult> } {
  let stopped = false;
  const touched = new Set<string>();
  const counts = {
    writesAccepted: 0,
    writesRefused: 0,
    preferencesAccepted: 0,
    preferencesRefused: 0,
    reads: 0,
    reads5xx: 0,
  };
  let lastAcceptedAt = 0;
  const versionOf = new Map<string, number>();
  const busy = new Set<string>();
  const pick = () => users.ids[Math.floor(Math.random() * users.ids.length)] ?? '';
  const auth = (userId: string) => ({ Authorization: `Bearer ${users.tokenOf.get(userId) ?? ''}` });

  const write = async () => {
    const userId = pick();
    const accepted = await renameAccount(
      config,
      userId,
      users.accountOf.get(userId) ?? '',
      `chaos ${randomUUID().slice(0, 8)}`,
    );
    if (accepted) {
      touched.add(userId);
      lastAcceptedAt = Date.now();
    }
    counts[accepted ? 'writesAccepted' : 'writesRefused']++;
  };

  const changePreferences = async () => {
    const userId = pick();
    if (busy.has(userId)) return;
    busy.add(userId);
    try {
      const key = randomUUID();
      const layout = LAYOUTS[Math.floor(Math.random() * LAYOUTS.length)];
      for (let attempt = 0; attempt < 20; attempt++) {
        const response = await callApi(apiUrls, '/v1/preferences', {
          method: 'PATCH',
          headers: {
            ...auth(userId),
            'Content-Type': 'application/merge-patch+json',
            'If-Match': `"${versionOf.get(userId) ?? 0}"`,
            'Idempotency-Key': key,
          },
          body: JSON.stringify({ layout }),
        });
        const body = response
          ? ((await response.json().catch(() => ({}))) as { version?: number; currentVersion?: number })
          : {};
        if (response?.ok) {
          versionOf.set(userId, body.version ?? 0);
          touched.add(userId);
          lastAcceptedAt = Date.now();
          counts.preferencesAccepted++;
          return;
        }
        // Someone else's change came first: the app reloads and tries again later with a new key.
        if (response?.status === 412) {
          versionOf.set(userId, body.currentVersion ?? 0);
          return;
        }
        await sleep(1_000);
      }
      counts.preferencesRefused++;
    } finally {
      busy.delete(userId);
    }
  };

  const read = async () => {
    const userId = pick();
    const response = await callApi(apiUrls, '/v1/dashboard', { headers: { ...auth(userId), ...CLIENT } });
    await response?.arrayBuffer();
    counts.reads++;
    if (response && response.status >= 500) counts.reads5xx++;
  };

  const every = (perSecond: number, work: () => Promise<void>) =>
    (async () => {
      const inFlight = new Set<Promise<void>>();
      while (!stopped) {
        const task = work().finally(() => inFlight.delete(task));
        inFlight.add(task);
        await sleep(1000 / perSecond);
      }
      await Promise.all(inFlight);
    })();
  const loops = [every(rates.writes, write), every(rates.preferences, changePreferences), every(rates.reads, read)];

  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return { ...counts, touched, lastAcceptedAt };
    },
  };
}
