import { z } from 'zod';

/** Who is signed in, as far as the client needs to know: the server verifies every request itself. */
export interface Session {
  readonly token: string;
  readonly userId: string;
  readonly admin: boolean;
  /** Milliseconds since the epoch; null when the token does not expire. */
  readonly expiresAt: number | null;
}

const Claims = z.object({
  sub: z.string().min(1),
  roles: z.array(z.string()).optional(),
  exp: z.number().optional(),
});

function base64UrlDecode(segment: string): string {
  const base64 = segment
    .replaceAll('-', '+')
    .replaceAll('_', '/')
    .padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Reads a JWT's payload without verifying it: the signature is the server's business, the client
 * only needs the user id (for the header and the per-user cache) and the roles (to offer the ops
 * console, whose endpoints refuse non-admins anyway). Null for anything that is not a readable token.
 */
export function readSession(token: string): Session | null {
  const payload = token.trim().split('.')[1];
  if (payload === undefined) return null;
  try {
    const claims = Claims.safeParse(JSON.parse(base64UrlDecode(payload)));
    if (!claims.success) return null;
    return {
      token: token.trim(),
      userId: claims.data.sub,
      admin: claims.data.roles?.includes('admin') ?? false,
      expiresAt: claims.data.exp === undefined ? null : claims.data.exp * 1000,
    };
  } catch {
    return null;
  }
}

export function hasExpired(session: Session, now: number): boolean {
  return session.expiresAt !== null && session.expiresAt <= now;
}
