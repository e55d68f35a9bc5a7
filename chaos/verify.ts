import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { inBatches } from '../bench/lib/users.js';
import type { Config } from '../config/index.js';
import { CLIENT, callApi, type ChaosUsers } from './load.js';
import type { UserStreams } from './streams.js';

/** What a user should see: their first account's name at the accounts service, and their layout. */
interface Truth {
  readonly name: string;
  readonly layout: string;
}

const Account = z.object({ id: z.string(), name: z.string() });
const Dashboard = z.object({
  version: z.number().int().nonnegative(),
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

/** A user's dashboard is behind the truth, or shows it but their stream has not announced it, or both are done. */
type Standing = 'behind' | 'unannounced' | 'shown';

/** Where a user stands, and for one behind what the apps were shown instead: what a lost change needs looked into. */
type Look = { readonly standing: 'behind'; readonly seen: string } | { readonly standing: Exclude<Standing, 'behind'> };

async function standingOf(
  apiUrls: readonly string[],
  users: ChaosUsers,
  streams: UserStreams,
  userId: string,
  truth: Truth,
): Promise<Look> {
  const response = await callApi(apiUrls, '/v1/dashboard', {
    headers: { Authorization: `Bearer ${users.tokenOf.get(userId) ?? ''}`, ...CLIENT },
  });
  if (!response?.ok) return { standing: 'behind', seen: `dashboard answered ${response?.status ?? 'by no API'}` };
  const view = Dashboard.safeParse(await response.json());
  if (!view.success) return { standing: 'behind', seen: 'a dashboard that does not parse' };
  const account = view.data.sections.accounts?.items.find((a) => a.id === users.accountOf.get(userId));
  if (view.data.layout !== truth.layout || account?.name !== truth.name) {
    const source = response.headers.get('X-Dashboard-Source') ?? 'unknown';
    return {
      standing: 'behind',
      seen: `layout ${view.data.layout}, name "${account?.name ?? 'none'}", version ${view.data.version} from ${source}`,
    };
  }
  return { standing: streams.announced(userId) >= view.data.version ? 'shown' : 'unannounced' };
}

/** A user whose dashboard never showed their changes: what was due and what the apps were shown. */
export interface Behind {
  readonly userId: string;
  readonly due: string;
  readonly seen: string;
}

/**
 * Waits until every touched user's dashboard, as the apps read it (cache first), shows the domain
 * truth and their preferences, and their live stream has announced that version, or the deadline
 * passes. The truth is read again with each look: a preference change whose caller gave up may still
 * be applied, durably, after the load stopped. Returns when that happened (ms since `since`), the
 * users whose dashboard never did, and those whose dashboard did but whose stream was never told.
 */
export async function waitForConvergence(
  config: Config,
  apiUrls: readonly string[],
  users: ChaosUsers,
  streams: UserStreams,
  touched: ReadonlySet<string>,
  since: number,
  deadlineMs: number,
): Promise<{ convergedAfterMs?: number; behind: Behind[]; unannounced: string[] }> {
  let waiting = [...touched];
  for (;;) {
    const behind: Behind[] = [];
    const unannounced: string[] = [];
    await inBatches(waiting, 20, async (userId) => {
      const truth = await truthOf(config, apiUrls, users, userId).catch((error: unknown) => String(error));
      if (typeof truth === 'string') {
        behind.push({ userId, due: `unknown (${truth})`, seen: 'not looked at' });
        return;
      }
      const look = await standingOf(apiUrls, users, streams, userId, truth);
      if (look.standing === 'behind')
        behind.push({ userId, due: `layout ${truth.layout}, name "${truth.name}"`, seen: look.seen });
      if (look.standing === 'unannounced') unannounced.push(userId);
    });
    waiting = [...behind.map((b) => b.userId), ...unannounced];
    if (waiting.length === 0) return { convergedAfterMs: Date.now() - since, behind, unannounced };
    if (Date.now() - since > deadlineMs) return { behind, unannounced };
    await sleep(500);
  }
}
