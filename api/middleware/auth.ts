import type { MiddlewareHandler } from 'hono';
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { Id } from '../../dashboard/index.js';
import type { AppEnv, Caller } from '../env.js';
import { ApiError } from '../problem.js';

export interface AuthOptions {
  /** HS256 secret (JWT_SECRET). */
  readonly secret: string;
}

// `sub` must be a valid user id: it becomes a cache key, a Cassandra key and a workflow id.
const Claims = z.object({
  sub: Id,
  roles: z.array(z.string()).optional(),
});

const unauthorized = (detail: string, error = 'invalid_token') =>
  new ApiError(401, 'UNAUTHORIZED', { detail, headers: { 'WWW-Authenticate': `Bearer realm="dashboard", error="${error}"` } });

/** Verifies `Authorization: Bearer <jwt>` and puts the caller in the context; anything else is 401. */
export function bearerAuth(options: AuthOptions): MiddlewareHandler<AppEnv> {
  const key = new TextEncoder().encode(options.secret);
  return async function bearerAuth(c, next) {
    const header = c.req.header('authorization');
    const match = header === undefined ? null : /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new ApiError(401, 'UNAUTHORIZED', {
        detail: 'A bearer token is required',
        headers: { 'WWW-Authenticate': 'Bearer realm="dashboard"' },
      });
    }
    let payload: unknown;
    try {
      // Only HS256: a token cannot choose a weaker algorithm (or "none") for itself.
      ({ payload } = await jwtVerify(match[1], key, { algorithms: ['HS256'] }));
    } catch (error) {
      throw unauthorized(error instanceof joseErrors.JWTExpired ? 'The token has expired' : 'The token is invalid');
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw unauthorized('The token does not name a valid user');
    const caller: Caller = { userId: claims.data.sub, admin: claims.data.roles?.includes('admin') ?? false };
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
