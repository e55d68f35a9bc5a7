import { createSecretKey } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { Id } from '../../dashboard/index.js';
import type { AppEnv, Caller } from '../env.js';
import { ApiError } from '../problem.js';

export interface AuthOptions {
  /** HS256 secret (JWT_SECRET). */
  readonly secret: string;
  /** Verified tokens remembered (until they expire), so a user's next request skips the HMAC. */
  readonly rememberTokens?: number;
}

/** How long a verified token is remembered at most, also one without an expiry. */
const REMEMBER_AT_MOST_MS = 5 * 60_000;

// `sub` must be a valid user id: it becomes a cache key, a Cassandra key and a workflow id.
const Claims = z.object({
  sub: Id,
  roles: z.array(z.string()).optional(),
  exp: z.number().optional(),
});

const unauthorized = (detail: string, error = 'invalid_token') =>
  new ApiError(401, 'UNAUTHORIZED', { detail, headers: { 'WWW-Authenticate': `Bearer realm="dashboard", error="${error}"` } });

/**
 * Verifies `Authorization: Bearer <jwt>` and puts the caller in the context; anything else is 401.
 * A verified token is remembered until its expiry (at most five minutes): an app sends the same token
 * with every request, and the verification (an HMAC on the crypto thread pool) was the largest part
 * of a cache hit's cost. Only the exact token string is remembered, so nothing about it can change.
 */
export function bearerAuth(options: AuthOptions): MiddlewareHandler<AppEnv> {
  const key = createSecretKey(Buffer.from(options.secret));
  const verified = new LRUCache<string, Caller>({ max: options.rememberTokens ?? 50_000 });
  return async function bearerAuth(c, next) {
    const header = c.req.header('authorization');
    const match = header === undefined ? null : /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new ApiError(401, 'UNAUTHORIZED', {
        detail: 'A bearer token is required',
        headers: { 'WWW-Authenticate': 'Bearer realm="dashboard"' },
      });
    }
    const token = match[1];
    let caller = verified.get(token);
    if (caller === undefined) {
      let payload: unknown;
      try {
        // Only HS256: a token cannot choose a weaker algorithm (or "none") for itself.
        ({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'] }));
      } catch (error) {
        throw unauthorized(error instanceof joseErrors.JWTExpired ? 'The token has expired' : 'The token is invalid');
      }
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw unauthorized('The token does not name a valid user');
      caller = { userId: claims.data.sub, admin: claims.data.roles?.includes('admin') ?? false };
      const untilExpiry = claims.data.exp === undefined ? REMEMBER_AT_MOST_MS : claims.data.exp * 1000 - Date.now();
      verified.set(token, caller, { ttl: Math.min(untilExpiry, REMEMBER_AT_MOST_MS) });
    }
    c.set('caller', caller);
    c.get('logger').setBindings({ userId: caller.userId });
    await next();
  };
}

/** The user whose data the request may touch: the caller, or anyone for an admin. */
export function authorizeUser(caller: Caller, userId: string): void {
  if (caller.userId !== userId && !caller.admin) {
    throw new ApiError(403, 'FORBIDDEN', { detail: "Another user's data needs the admin role" });
  }
}
