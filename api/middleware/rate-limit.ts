import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { ApiError } from '../problem.js';
import type { RateLimiter } from '../redis/rate-limiter.js';
import { withTimeout } from '../with-timeout.js';

export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  readonly perMinute: number;
  /** How long the counter may take before the request goes through uncounted. */
  readonly timeoutMs?: number;
}

/** Fixed window per user per minute, counted in Redis so every API process shares it. Runs after auth. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const { userId } = c.get('caller');
    const decision = await withTimeout(options.limiter.hit(`user:${userId}`, options.perMinute, 60_000), options.timeoutMs ?? 500, 'rate limiter').catch(
      (error: unknown) => {
        // Failing open: a Redis outage must not take the dashboards down with it.
        c.get('logger').warn({ err: error }, 'rate limiter unavailable; request not counted');
        return undefined;
      },
    );
    if (decision === undefined) return next();
    c.header('RateLimit-Limit', String(decision.limit));
    c.header('RateLimit-Remaining', String(decision.remaining));
    c.header('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      throw new ApiError(429, 'RATE_LIMITED', {
        detail: `At most ${decision.limit} requests per minute`,
        headers: { 'Retry-After': String(decision.resetSeconds) },
      });
    }
    await next();
  };
}
