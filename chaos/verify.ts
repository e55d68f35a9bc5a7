import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { inBatches } from '../bench/lib/users.js';
import type { Config } from '../config/index.js';
import { CLIENT, callApi, type ChaosUsers } from './load.js';

/** What a user should see: their first account's name at the accounts service, and their layout. */
interface Truth {
  readonly name: string;
  readonly layout: string;
}

const Account = z.object({ id: z.string(), name: z.string() });
const Dashboard = z.object({
  layout: z.string(),
  sections: z.object({ accounts: z.object({ items: z.array(Account) }).optional() }),
});

async function truthOf(config: Config, apiUrls: readonly string[], users: ChaosUsers, userId: string): Promise<Truth> {
  const accounts = z
    .object({ items: z.array(Account) })
    .parse(
      await (
        await fetch(`${config.ACCOUNTS_URL}/v1/users/${userId}/accounts`, { signal: AbortSignal.timeout(5_000) })
      ).json(),
    );
  const name = accounts.items.find((a) => a.id === users.accountOf.get(userId))?.name ?? '';
  const preferences = await callApi(apiUrls, '/v1/preferences', {
    headers: { Authorization: `Bearer ${users.tokenOf.get(userId) ?? ''}` },
  });
  if (!preferences?.ok)
    throw new Error(`preferences of ${userId} unreadable: ${preferences?.status ?? 'no API answered'}`);
  return { name, layout: z.object({ layout: z.string() }).parse(await preferences.json()).layout };
}

async function shows(apiUrls: readonly string[], users: ChaosUsers, userId: string, truth: Truth): Promise<boolean> {
  const response = await callApi(apiUrls, '/v1/dashboard', {
    headers: { Authorization: `Bearer ${users.tokenOf.get(userId) ?? ''}`, ...CLIENT },
  });
  if (!response?.ok) return false;
  const view = Dashboard.safeParse(await response.json());
  if (!view.success) return false;
  const account = view.data.sections.accounts?.items.find((a) => a.id === users.accountOf.get(userId));
  return view.data.layout === truth.layout && account?.name === truth.name;
}

/**
 * Waits until every touched user's dashboard, as the apps read it (cache first), shows the domain
 * truth and their preferences, or the deadline passes. The truth is read again with each look: a
 * preference change whose caller gave up may still be applied, durably, after the load stopped.
 * Returns when that happened (ms since `since`) and the users whose dashboard never did.
 */
export async function waitForConvergence(
  config: Config,
  apiUrls: readonly string[],
  users: ChaosUsers,
  touched: ReadonlySet<string>,
  since: number,
  deadlineMs: number,
): Promise<{ convergedAfterMs?: number; behind: string[] }> {
  let behind = [...touched];
  for (;;) {
    const still: string[] = [];
    await inBatches(behind, 20, async (userId) => {
      const truth = await truthOf(config, apiUrls, users, userId).catch(() => undefined);
      if (!truth || !(await shows(apiUrls, users, userId, truth))) still.push(userId);
    });
    behind = still;
    if (behind.length === 0) return { convergedAfterMs: Date.now() - since, behind };
    if (Date.now() - since > deadlineMs) return { behind };
    await sleep(500);
  }
}
