import type { MiddlewareHandler } from 'hono';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { AuthUnavailableError, InvalidTokenError, type TokenVerifier } from '../../adapters/auth/token-verifier.js';
import { Id } from '../../dashboard/index.js';
import type { AppEnv, Caller } from '../env.js';
import { ApiError } from '../problem.js';

export interface AuthOptions {
  readonly verify: TokenVerifier;
  /** Where in the claims the caller's roles are, as a dot path (e.g. `realm_access.roles`). */
  readonly adminClaim?: string;
  /** The role that grants admin rights. */
  readonly adminRole?: string;
  /** Verified tokens remembered until they expire, so a user's next request skips the verification. */
  readonly remembered?: RememberedCallers;
}

/** Callers by the exact token string they sent, each until its token expires (at most five minutes). */
export type RememberedCallers = LRUCache<string, Caller>;
export const rememberCallers = (max = 50_000): RememberedCallers => new LRUCache<string, Caller>({ max });

/** The token of an `Authorization: Bearer <token>` header; undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header)?.[1];
}

/** How long a verified token is remembered at most, also one without an expiry. */
const REMEMBER_AT_MOST_MS = 5 * 60_000;

// `sub` must be a valid user id: it becomes a cache key, a Cassandra key and a workflow id.
const Claims = z.object({ sub: Id, exp: z.number().optional() });
// Roles come as a list (roles, groups) or as one space-separated string (OAuth's scope).
const Roles = z.union([z.array(z.string()), z.string().transform((s) => s.split(' '))]);

/** The roles at a dot path of the claims; none when the path is absent or holds something else. */
export function rolesAt(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims;
  for (const key of path.split('.'))
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  const roles = Roles.safeParse(value);
  return roles.success ? roles.data : [];
}

const unauthorized = (detail: string, error = 'invalid_token') =>
  new ApiError(401, 'UNAUTHORIZED', {
    detail,
    headers: { 'WWW-Authenticate': `Bearer realm="dashboard", error="${error}"` },
  });

/**
 * Verifies `Authorization: Bearer <jwt>` with `verify` and puts the caller in the context; anything
 * else is 401, and 503 when the identity provider's keys cannot be fetched (nobody is let in unchecked).
 * A verified token is remembered until its expiry (at most five minutes): an app sends the same token
 * with every request, and the verification was the largest part of a cache hit's cost. Only the exact
 * token string is remembered, so nothing about it can change.
 */
export function bearerAuth(options: AuthOptions): MiddlewareHandler<AppEnv> {
  const adminClaim = options.adminClaim ?? 'roles';
  const adminRole = options.adminRole ?? 'admin';
  const verified = options.remembered ?? rememberCallers();
  return async function bearerAuth(c, next) {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined) {
      throw new ApiError(401, 'UNAUTHORIZED', {
        detail: 'A bearer token is required',
        headers: { 'WWW-Authenticate': 'Bearer realm="dashboard"' },
      });
    }
    let caller = verified.get(token);
    if (caller === undefined) {
      let payload: Record<string, unknown>;
      try {
        payload = await options.verify(token);
      } catch (error) {
        if (error instanceof InvalidTokenError) throw unauthorized(error.message);
        if (error instanceof AuthUnavailableError) {
          c.get('logger').warn({ err: error }, 'tokens cannot be verified');
          throw new ApiError(503, 'AUTH_UNAVAILABLE', {
            detail: 'Sign-in cannot be checked right now; try again shortly',
            headers: { 'Retry-After': '5' },
          });
        }
        throw error;
      }
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw unauthorized('The token does not name a valid user');
      caller = { userId: claims.data.sub, admin: rolesAt(payload, adminClaim).includes(adminRole) };
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
