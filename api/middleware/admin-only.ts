import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { ApiError } from '../problem.js';

/** Only tokens with the admin role get past: operators' and product teams' endpoints. */
export const adminOnly: MiddlewareHandler<AppEnv> = async function adminOnly(c, next) {
  if (!c.get('caller').admin) throw new ApiError(403, 'FORBIDDEN', { detail: 'This needs the admin role' });
  await next();
};
