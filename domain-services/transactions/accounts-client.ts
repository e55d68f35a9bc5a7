import { eventSchema, type Money } from '../../dashboard/index.js';
import { DomainError, type ProblemCode } from '../shared/problem.js';
import { z } from 'zod';

export interface PostingResult {
  balanceAfter: Money;
}

/** The transactions service's port to the accounts service. */
export interface AccountsClient {
  post(userId: string, accountId: string, amount: Money): Promise<PostingResult>;
}

const AccountUpdatedEvent = eventSchema('AccountUpdated');
const UpstreamProblem = z.object({ code: z.string(), detail: z.string().optional() });

/** Problems that are about the caller's input, so they are passed on as they are. */
const CLIENT_PROBLEMS: ReadonlySet<string> = new Set<ProblemCode>([
  'USER_NOT_FOUND',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_CURRENCY_MISMATCH',
  'VALIDATION_FAILED',
]);

/**
 * HTTP client of the accounts postings endpoint, with a deadline. An accounts service that is down,
 * slow or failing becomes 503 (try again later); an answer we cannot understand becomes 502.
 */
export function createAccountsClient(options: {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): AccountsClient {
  const doFetch = options.fetch ?? fetch;
  return {
    async post(userId, accountId, amount) {
      const url = new URL(
        `/internal/users/${encodeURIComponent(userId)}/accounts/${encodeURIComponent(accountId)}/postings`,
        options.baseUrl,
      );
      let response: Response;
      let body: unknown;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ amount }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        body = await response.json().catch(() => null);
      } catch (error) {
        const reason =
          error instanceof Error && error.name === 'TimeoutError'
            ? `no answer within ${options.timeoutMs} ms`
            : 'not reachable';
        throw new DomainError('UPSTREAM_UNAVAILABLE', 503, `The accounts service is ${reason}; nothing was posted.`);
      }
      if (response.ok) {
        const event = AccountUpdatedEvent.safeParse(body);
        if (!event.success)
          throw new DomainError('UPSTREAM_FAILED', 502, 'The accounts service answered with an unexpected body.');
        return { balanceAfter: event.data.data.balance };
      }
      const problem = UpstreamProblem.safeParse(body);
      if (response.status < 500 && problem.success && CLIENT_PROBLEMS.has(problem.data.code)) {
        throw new DomainError(
          problem.data.code as ProblemCode,
          response.status === 404 ? 404 : 422,
          problem.data.detail ?? problem.data.code,
        );
      }
      if (response.status >= 500)
        throw new DomainError(
          'UPSTREAM_UNAVAILABLE',
          503,
          `The accounts service answered ${response.status}; nothing was posted.`,
        );
      throw new DomainError('UPSTREAM_FAILED', 502, `The accounts service answered ${response.status}.`);
    },
  };
}
