import { ConsecutiveBreaker, TaskCancelledError, TimeoutStrategy, circuitBreaker, handleWhen, isBrokenCircuitError, timeout, wrap } from 'cockatiel';
import { z } from 'zod';

/**
 * HTTP client of one domain service: every call has a timeout, and a circuit breaker (cockatiel)
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
  readonly circuitState: () => 'closed' | 'open' | 'half-open' | 'isolated';
}

export interface DomainClientOptions {
  readonly service: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Consecutive failures that open the breaker, and how long it stays open before one trial call. */
  readonly breakAfterFailures?: number;
  readonly halfOpenAfterMs?: number;
}

const itemsResponse = z.object({ asOf: z.string(), items: z.array(z.unknown()) });

export function createDomainClient(options: DomainClientOptions): DomainClient {
  const { service } = options;
  // A 4xx is our request's fault, not the service's health: it must not open the breaker.
  const breaker = circuitBreaker(
    handleWhen((error) => !(error instanceof DomainServiceError && (error.kind === 'rejected' || error.kind === 'invalid-response'))),
    { halfOpenAfter: options.halfOpenAfterMs ?? 5_000, breaker: new ConsecutiveBreaker(options.breakAfterFailures ?? 5) },
  );
  const policy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
  const states = ['closed', 'open', 'half-open', 'isolated'] as const;

  return {
    service,
    circuitState: () => states[breaker.state] ?? 'closed',
    async getItems(userId, path, itemSchema) {
      const url = `${options.baseUrl}/v1/users/${encodeURIComponent(userId)}/${path}`;
      let body: unknown;
      try {
        body = await policy.execute(async ({ signal }) => {
          let response: Response;
          try {
            response = await fetch(url, { signal, headers: { accept: 'application/json' } });
          } catch (error) {
            if (signal.aborted) throw error;
            throw new DomainServiceError(service, 'unavailable', `request failed: ${(error as Error).message}`);
          }
          if (response.status >= 400 && response.status < 500) {
            await response.body?.cancel();
            throw new DomainServiceError(service, 'rejected', `answered ${response.status} for ${path}`, response.status);
          }
          if (!response.ok) {
            await response.body?.cancel();
            throw new DomainServiceError(service, 'unavailable', `answered ${response.status}`, response.status);
          }
          return response.json();
          // A signal per call: cockatiel's shared default signal would collect one listener per call in flight.
        }, new AbortController().signal);
      } catch (error) {
        if (isBrokenCircuitError(error)) throw new DomainServiceError(service, 'circuit-open', 'circuit open after repeated failures; not called');
        // Not cockatiel's isTaskCancelledError: in 3.2 it tests for a bulkhead error's marker and is always false.
        if (error instanceof TaskCancelledError) throw new DomainServiceError(service, 'unavailable', `no answer within ${options.timeoutMs} ms`);
        throw error;
      }
      const parsed = itemsResponse.safeParse(body);
      if (!parsed.success) throw new DomainServiceError(service, 'invalid-response', `unexpected response shape: ${parsed.error.message}`);
      const items = z.array(itemSchema).safeParse(parsed.data.items);
      if (!items.success) throw new DomainServiceError(service, 'invalid-response', `invalid items: ${items.error.issues[0]?.message ?? ''}`);
      return { asOf: parsed.data.asOf, items: items.data };
    },
  };
}
