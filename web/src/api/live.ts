import { EventSource, type FetchLike } from 'eventsource';
import { z } from 'zod';
import { EVENT_PAYLOADS, EventEnvelope } from '../../../dashboard/contract/events.js';
import { REQUEST_TIMEOUT_MS } from '../config';

export type LiveState = 'connecting' | 'open' | 'reconnecting';

export interface LiveOptions {
  readonly url: string;
  readonly getToken: () => string;
  /** A new dashboard was built; `version` is null when the announcement itself did not parse. */
  readonly onUpdate: (version: number | null) => void;
  readonly onState: (state: LiveState) => void;
  readonly onSessionEnded: () => void;
  readonly fetch?: typeof fetch;
}

export interface LiveSubscription {
  /** Drops the current connection and opens a new one at once (e.g. when the network is back). */
  reconnect(): void;
  close(): void;
}

const DashboardUpdated = EventEnvelope.extend({
  type: z.literal('DashboardUpdated'),
  data: EVENT_PAYLOADS.DashboardUpdated,
});

/** Waits before opening a new stream after the server refused one (429, 503, …); doubles up to a minute. */
const FIRST_BACKOFF_MS = 3_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * The dashboard's live stream. The browser's EventSource cannot send an Authorization header, so the
 * `eventsource` package does the same over fetch; it reconnects after a dropped stream by itself and
 * sends Last-Event-ID then. A refused stream (non-200) it gives up on by the spec: this opens a new one
 * after a pause, sending the last event id it saw so nothing built meanwhile goes unannounced.
 */
export function subscribeToDashboard(options: LiveOptions): LiveSubscription {
  const fetchImpl = options.fetch ?? window.fetch.bind(window);
  let source: EventSource | null = null;
  let lastEventId: string | null = null;
  let retryTimer: number | undefined;
  let backoffMs = FIRST_BACKOFF_MS;
  let closed = false;

  // Only the wait for the response headers is limited: the stream itself is meant to stay open.
  const authorizedFetch: FetchLike = async (url, init) => {
    const connectTimeout = new AbortController();
    const timer = window.setTimeout(() => connectTimeout.abort(), REQUEST_TIMEOUT_MS);
    const signals: AbortSignal[] = [connectTimeout.signal];
    if (init.signal instanceof AbortSignal) signals.push(init.signal);
    const headers: Record<string, string> = { ...init.headers, Authorization: `Bearer ${options.getToken()}` };
    if (lastEventId !== null && headers['Last-Event-ID'] === undefined) headers['Last-Event-ID'] = lastEventId;
    try {
      return await fetchImpl(url, { ...init, headers, signal: AbortSignal.any(signals) });
    } catch (error) {
      // The package takes an AbortError for its own close() and then never reconnects; our timeout
      // is a failed attempt like any network error, which it retries.
      if (connectTimeout.signal.aborted) throw new TypeError('The live stream did not answer in time');
      throw error;
    } finally {
      window.clearTimeout(timer);
    }
  };

  const open = () => {
    window.clearTimeout(retryTimer);
    source?.close();
    options.onState(lastEventId === null && source === null ? 'connecting' : 'reconnecting');
    const current = new EventSource(options.url, { fetch: authorizedFetch });
    source = current;

    current.addEventListener('open', () => {
      backoffMs = FIRST_BACKOFF_MS;
      options.onState('open');
    });
    current.addEventListener('DashboardUpdated', (event: MessageEvent) => {
      if (event.lastEventId !== '') lastEventId = event.lastEventId;
      const parsed = typeof event.data === 'string' ? safeJson(event.data) : undefined;
      const update = DashboardUpdated.safeParse(parsed);
      options.onUpdate(update.success ? update.data.data.version : null);
    });
    current.addEventListener('error', (event) => {
      if (closed || current !== source) return;
      if (event.code === 401) {
        current.close();
        options.onSessionEnded();
        return;
      }
      options.onState('reconnecting');
      if (current.readyState === EventSource.CLOSED) {
        retryTimer = window.setTimeout(open, backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    });
  };

  open();
  return {
    reconnect() {
      if (closed) return;
      backoffMs = FIRST_BACKOFF_MS;
      open();
    },
    close() {
      closed = true;
      window.clearTimeout(retryTimer);
      source?.close();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
