import type { z } from 'zod';
import type { Notices } from '../app/notices';
import { REQUEST_TIMEOUT_MS } from '../config';
import { ApiProblem, InvalidResponseError, NetworkError, ProblemDocument, SessionEndedError } from './errors';

export interface ApiClientOptions {
  readonly getToken: () => string;
  /** Called on any 401, before the request's promise rejects. */
  readonly onSessionEnded: () => void;
  readonly notices: Notices;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export interface RequestOptions<T> {
  readonly method?: 'GET' | 'POST' | 'PATCH';
  readonly headers?: Record<string, string>;
  /** Serialised as JSON; `contentType` says which JSON (merge patches have their own type). */
  readonly body?: unknown;
  readonly contentType?: string;
  /** Every body is parsed with its contract schema before anyone sees it. */
  readonly schema: z.ZodType<T>;
  /** Error statuses the caller explains itself (e.g. 412): no message in the banner for them. */
  readonly handles?: readonly number[];
  /** Network failures the caller explains itself (the dashboard shows its offline state instead). */
  readonly quietWhenUnreachable?: boolean;
}

export type Fetched<T> =
  | { readonly kind: 'fresh'; readonly data: T; readonly headers: Headers }
  | { readonly kind: 'not-modified'; readonly headers: Headers };

export interface ApiClient {
  /** 200 → fresh data, 304 → not modified; anything else rejects (see errors.ts). */
  request<T>(path: string, options: RequestOptions<T>): Promise<Fetched<T>>;
}

const MAX_BUSY_RETRIES = 3;
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Retry-After as seconds or an HTTP date; the default when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now: number): number {
  if (header === null) return DEFAULT_RETRY_AFTER_SECONDS;
  if (/^\s*\d+\s*$/.test(header)) return Math.max(1, Number(header));
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(1, Math.ceil((date - now) / 1000));
}

async function readProblem(response: Response): Promise<ProblemDocument> {
  const fallback = {
    status: response.status,
    detail: `The request failed (${response.status} ${response.statusText})`.trim(),
  };
  try {
    const parsed = ProblemDocument.safeParse(await response.json());
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

/**
 * The one way the app talks to the API: bearer token, timeout, problem+json parsing, and the
 * retries a person should not have to do by hand (429 once, 503 up to three times, then on request).
 * A retried request is the same request, Idempotency-Key included, so a retried write applies once.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const fetchImpl = options.fetch ?? window.fetch.bind(window);
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const { notices } = options;

  async function send(path: string, init: RequestInit, quiet: boolean): Promise<Response> {
    try {
      return await fetchImpl(path, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const reason = error instanceof DOMException && error.name === 'TimeoutError' ? 'timeout' : 'offline';
      if (!quiet)
        notices.report(
          reason === 'timeout'
            ? 'The service did not answer in time. Please try again.'
            : 'You appear to be offline. Check your connection and try again.',
        );
      throw new NetworkError(reason);
    }
  }

  return {
    async request<T>(path: string, request: RequestOptions<T>): Promise<Fetched<T>> {
      const headers: Record<string, string> = {
        Accept: 'application/json',
        ...request.headers,
        Authorization: `Bearer ${options.getToken()}`,
      };
      if (request.body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
      const init: RequestInit = {
        method: request.method ?? 'GET',
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        // The app does its own revalidation (If-None-Match); the browser's cache would only hide 304s.
        cache: 'no-store',
      };

      let rateLimitRetried = false;
      let busyRetries = 0;
      for (;;) {
        const response = await send(path, init, request.quietWhenUnreachable ?? false);
        if (response.status === 401) {
          options.onSessionEnded();
          throw new SessionEndedError();
        }
        if (response.status === 429 && !rateLimitRetried) {
          rateLimitRetried = true;
          await notices.wait('rate-limited', retryAfterSeconds(response.headers.get('Retry-After'), Date.now()));
          continue;
        }
        if (response.status === 503) {
          if (busyRetries < MAX_BUSY_RETRIES) {
            busyRetries += 1;
            await notices.wait('busy', retryAfterSeconds(response.headers.get('Retry-After'), Date.now()));
          } else {
            // The request waits for the person rather than failing: a change stays as they made it.
            await notices.untilTryAgain();
            busyRetries = 0;
          }
          continue;
        }
        if (response.status === 304) return { kind: 'not-modified', headers: response.headers };
        if (!response.ok) {
          const problem = new ApiProblem(response.status, await readProblem(response));
          if (!request.handles?.includes(response.status)) notices.report(problem.message);
          throw problem;
        }

        let body: unknown;
        try {
          body = await response.json();
        } catch {
          notices.report(new InvalidResponseError(path).message);
          throw new InvalidResponseError(path);
        }
        const parsed = request.schema.safeParse(body);
        if (!parsed.success) {
          notices.report(new InvalidResponseError(path).message);
          throw new InvalidResponseError(path);
        }
        return { kind: 'fresh', data: parsed.data, headers: response.headers };
      }
    },
  };
}

/** The data of a response that cannot be 304 (no If-None-Match was sent). */
export function dataOf<T>(fetched: Fetched<T>): T {
  if (fetched.kind === 'not-modified') throw new Error('Unexpected 304 for a request without If-None-Match');
  return fetched.data;
}
