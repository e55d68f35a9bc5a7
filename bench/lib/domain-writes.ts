import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import { inBatches } from './users.js';

const domainServices = (config: Config) => [
  config.ACCOUNTS_URL,
  config.PARTNERS_URL,
  config.TRANSACTIONS_URL,
  config.OFFERS_URL,
];

/** Latency injected into every domain service through its fault endpoint; `{}` clears it. */
export async function setFaults(config: Config, faults: { latencyMs?: number }): Promise<void> {
  for (const url of domainServices(config)) {
    const response = await fetch(`${url}/admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    await response.text();
    if (!response.ok) throw new Error(`could not set faults on ${url}: ${response.status}`);
  }
}

const AccountsPage = z.object({ items: z.array(z.object({ id: z.string() })) });

/** Each user's first account id at the accounts service: what the write scenarios rename. */
export async function firstAccounts(config: Config, userIds: readonly string[]): Promise<Map<string, string>> {
  const accountOf = new Map<string, string>();
  await inBatches(userIds, 20, async (userId) => {
    const page = AccountsPage.parse(await (await fetch(`${config.ACCOUNTS_URL}/v1/users/${userId}/accounts`)).json());
    if (page.items[0]) accountOf.set(userId, page.items[0].id);
  });
  const missing = userIds.length - accountOf.size;
  if (missing > 0) throw new Error(`${missing} of ${userIds.length} users have no account to rename`);
  return accountOf;
}

/**
 * One domain write: the user's first account renamed at the accounts service, which journals it and
 * publishes AccountUpdated to Kafka, where the bridge picks it up. True when the service took it.
 */
export async function renameAccount(config: Config, userId: string, accountId: string, name: string): Promise<boolean> {
  try {
    const response = await fetch(`${config.ACCOUNTS_URL}/v1/users/${userId}/accounts/${accountId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}

export interface StormResult {
  readonly rate: number;
  readonly users: number;
  readonly writes: number;
  readonly failed: number;
  /** Writes not sent because too many were still unanswered: the services could not keep up. */
  readonly skipped: number;
  readonly seconds: number;
  readonly writesPerSecond: number;
}

/**
 * Domain writes at a fixed rate in the background, round robin over the given users, until stopped:
 * the event load other scenarios are measured under. Writes are sent on schedule without waiting for
 * earlier answers, so a slow service does not lower the offered rate; at most MAX_UNANSWERED wait for
 * an answer at once (an overloaded service would otherwise make this process hold thousands of
 * requests), and a write due beyond that is skipped and counted.
 */
const MAX_UNANSWERED = 200;

export function startWriteStorm(
  config: Config,
  accountOf: ReadonlyMap<string, string>,
  rate: number,
): { stop(): Promise<StormResult> } {
  const users = [...accountOf.entries()];
  let stopped = false;
  let writes = 0;
  let failed = 0;
  let skipped = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      if (stopped) break;
      if (inFlight.size >= MAX_UNANSWERED) {
        skipped++;
        continue;
      }
      const [userId, accountId] = users[i % users.length] ?? ['', ''];
      writes++;
      const write: Promise<void> = renameAccount(config, userId, accountId, `Storm ${i}`).then((ok) => {
        if (!ok) failed++;
        inFlight.delete(write);
      });
      inFlight.add(write);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(inFlight);
      return { rate, users: users.length, writes, failed, skipped, seconds, writesPerSecond: writes / seconds };
    },
  };
}
