import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { openStream } from '../bench/lib/sse.js';
import { inBatches } from '../bench/lib/users.js';
import { CLIENT, callApi, type ChaosUsers } from './load.js';
import { parseJson } from '../dashboard/parse-json.js';

/** The live stream every user's app holds through the run, across faults, as the apps do. */
export interface UserStreams {
  /** The newest dashboard version announced to the user: on their stream, or read when it opened. */
  announced(userId: string): number;
  /** Tries to open a stream again after one ended or was refused: how often the faults cut them. */
  reconnects(): number;
  close(): void;
}

const Versioned = z.object({ version: z.number().int().nonnegative() });
const Announcement = z.object({ data: Versioned });
/** An app waits this long before it opens a stream again, as the server's `retry:` asks (api/routes/stream.ts). */
const RECONNECT_MS = 3_000;

/**
 * Opens one stream per user, each on the next API replica in turn. A stream that ends (its API
 * killed, stopped or past its maximum age) is opened again on the next replica with Last-Event-ID, as
 * an app does, so a dashboard built while it was away is announced when it is back. Each stream starts
 * from the version the user's dashboard has now, read first, so nothing built later goes unheard.
 */
export async function openUserStreams(apiUrls: readonly string[], users: ChaosUsers): Promise<UserStreams> {
  const announced = new Map<string, number>();
  const open = new Map<string, () => void>();
  let reconnects = 0;
  let closed = false;

  const connect = async (userId: string, attempt: number): Promise<void> => {
    const url = `${apiUrls[attempt % apiUrls.length]}/v1/dashboard/stream`;
    const headers = {
      Authorization: `Bearer ${users.tokenOf.get(userId) ?? ''}`,
      'Last-Event-ID': String(announced.get(userId) ?? 0),
    };
    const onEvent = ({ event, data }: { event: string; data: string }) => {
      if (event !== 'DashboardUpdated') return;
      // An announcement that does not parse announces nothing: the user then counts as unannounced.
      const parsed = Announcement.safeParse(parseJson(data));
      if (parsed.success) announced.set(userId, Math.max(parsed.data.data.version, announced.get(userId) ?? 0));
    };
    const reopen = () => {
      open.delete(userId);
      if (closed) return;
      reconnects++;
      void sleep(RECONNECT_MS).then(() => connect(userId, attempt + 1));
    };
    try {
      const stream = await openStream(url, headers, onEvent, reopen);
      if (closed) stream.close();
      else open.set(userId, stream.close);
    } catch {
      // Refused or unreachable (that replica is down): the next one, after the pause.
      reopen();
    }
  };

  await inBatches(users.ids, 10, async (userId) => {
    const response = await callApi(apiUrls, '/v1/dashboard', {
      headers: { Authorization: `Bearer ${users.tokenOf.get(userId) ?? ''}`, ...CLIENT },
    });
    if (!response?.ok)
      throw new Error(`could not read the dashboard of ${userId}: ${response?.status ?? 'no API answered'}`);
    announced.set(userId, Versioned.parse(await response.json()).version);
  });
  await inBatches([...users.ids.keys()], 10, (index) => connect(users.ids[index] ?? '', index));

  return {
    announced: (userId) => announced.get(userId) ?? 0,
    reconnects: () => reconnects,
    close() {
      closed = true;
      for (const close of open.values()) close();
      open.clear();
    },
  };
}
