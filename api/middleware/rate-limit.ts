import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { ApiError } from '../problem.js';
import type { RateLimitDecision, RateLimiter } from '../../adapters/redis/rate-limiter.js';

export interface RateLimitOptions {
  readonly limiter: Pick<RateLimiter, 'hit'>;
  readonly perMinute: number;
}

/** What every answer under /v1 tells the caller about their limit. */
export const rateLimitHeaders = (decision: RateLimitDecision): Record<string, string> => ({
  'RateLimit-Limit': String(decision.limit),
  'RateLimit-Remaining': String(decision.remaining),
  'RateLimit-Reset': String(decision.resetSeconds),
});

/**
 * Fixed window per user per minute, shared by every API process through Redis (see RateLimiter for
 * the bound); decided in process, so it costs a request no round trip. Runs after auth.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const { userId } = c.get('caller');
    const decision = options.limiter.hit(`user:${userId}`, options.perMinute, 60_000);
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) c.header(name, value);
    if (!decision.allowed) {
      throw new ApiError(429, 'RATE_LIMITED', {
        detail: `At most ${decision.limit} requests per minute`,
        headers: { 'Retry-After': String(decision.resetSeconds) },
      });
    }
    await next();
  };
}
