import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, isBrokenCircuitError } from 'cockatiel';
import { Pool, errors, type Dispatcher } from 'undici';
import { z } from 'zod';

/**
 * HTTP client of one domain service: every call has timeouts, and a circuit breaker (cockatiel)
 * stops calling a service that keeps failing, so a rebuild falls back to its last-known snapshot at
 * once instead of waiting on a dead service every time. Breaker state lives in the process, which is
 * why the worker builds one client per service and shares it across activities.
 */
export type DomainFailureKind = 'rejected' | 'unavailable' | 'circuit-open' | 'invalid-response';

export class DomainServiceError extends Error {
  override readonly name = 'DomainServiceError';
  constructor(
    readonly service: string,
    readonly kind: DomainFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(`${service}: ${message}`);
  }
}

export interface DomainItems<T> {
  readonly asOf: string;
  readonly items: T[];
}

export interface DomainClient {
  readonly service: string;
  /** GET `path` for the user, parsed as `{ asOf, items }` with `itemSchema` for each item. */
  getItems<T>(userId: string, path: string, itemSchema: z.ZodType<T>): Promise<DomainItems<T>>;
  /** The circuit breaker's state, for the worker's metrics. */
  circuit(): CircuitName;
  /** Closes the client's connections once the calls in flight are answered. */
  close(): Promise<void>;
}

export type CircuitName = 'closed' | 'open' | 'half-open';
const circuitNames: Record<CircuitState, CircuitName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  // Isolated is a manual hold this platform never sets; it stops calls as open does.
  [CircuitState.Isolated]: 'open',
};

export interface DomainClientOptions {
  readonly service: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Consecutive failures that open the breaker, and how long it stays open before one trial call. */
  readonly breakAfterFailures?: number;
  readonly halfOpenAfterMs?: number;
}

// asOf is compared as an instant downstream (the older of two sources wins), so it must be one.
const UserNotFound = z.object({ code: z.literal('USER_NOT_FOUND') });
const itemsResponse = z.object({ asOf: z.iso.datetime({ offset: true }), items: z.array(z.unknown()) });

export function createDomainClient(options: DomainClientOptions): DomainClient {
  const { service, timeoutMs } = options;
  // undici's request API on a pool of its own rather than fetch: measured in the worker, fetch (its
  // streams, its AbortSignal and the DOMException cockatiel's timeout raises as it cleans up after every
  // call) took about a third of a build's CPU. The pool's own timers bound every call: connecting, the
  // answer's headers, and each gap in its body, each within timeoutMs.
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  const pool = new Pool(base.origin, {
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  // A 4xx is our request's fault, not the service's health: it must not open the breaker.
  const breaker = circuitBreaker(
    handleWhen(
      (error) =>
        !(error instanceof DomainServiceError && (error.kind === 'rejected' || error.kind === 'invalid-response')),
    ),
    {
      halfOpenAfter: options.halfOpenAfterMs ?? 5_000,
      breaker: new ConsecutiveBreaker(options.breakAfterFailures ?? 5),
    },
  );

  async function get(path: string): Promise<unknown> {
    let response: Dispatcher.ResponseData;
    try {
      response = await pool.request({ method: 'GET', path, headers: { accept: 'application/json' } });
    } catch (error) {
      throw unreachable(error);
    }
    if (response.statusCode >= 400) {
      const problem = await response.body.json().catch(() => undefined);
      // The service holds nothing for this user (a customer without that product, or not yet known
      // to it): an empty section, not a failure. Any other 4xx is our request's mistake.
      if (response.statusCode === 404 && UserNotFound.safeParse(problem).success)
        return { asOf: new Date().toISOString(), items: [] };
      const kind = response.statusCode < 500 ? 'rejected' : 'unavailable';
      throw new DomainServiceError(
        service,
        kind,
        kind === 'rejected' ? `answered ${response.statusCode} for ${path}` : `answered ${response.statusCode}`,
        response.statusCode,
      );
    }
    try {
      return await response.body.json();
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new DomainServiceError(service, 'invalid-response', `answer is not JSON: ${error.message}`);
      throw unreachable(error);
    }
  }

  const unreachable = (error: unknown) =>
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
      ? new DomainServiceError(service, 'unavailable', `no answer within ${timeoutMs} ms`)
      : new DomainServiceError(service, 'unavailable', `request failed: ${(error as Error).message}`);

  return {
    service,
    async getItems(userId, path, itemSchema) {
      let body: unknown;
      try {
        body = await breaker.execute(() => get(`${prefix}/v1/users/${encodeURIComponent(userId)}/${path}`));
      } catch (error) {
        if (isBrokenCircuitError(error))
          throw new DomainServiceError(service, 'circuit-open', 'circuit open after repeated failures; not called');
        throw error;
      }
      const parsed = itemsResponse.safeParse(body);
      if (!parsed.success)
        throw new DomainServiceError(service, 'invalid-response', `unexpected response shape: ${parsed.error.message}`);
      const items = z.array(itemSchema).safeParse(parsed.data.items);
      if (!items.success)
        throw new DomainServiceError(
          service,
          'invalid-response',
          `invalid items: ${items.error.issues[0]?.message ?? ''}`,
        );
      return { asOf: parsed.data.asOf, items: items.data };
    },
    circuit: () => circuitNames[breaker.state],
    close: () => pool.close(),
  };
}
