import { SignJWT } from 'jose';
import type { Config } from '../../config/index.js';

/** A dev JWT (HS256 with the configured secret): `sub` is the user, `roles` may hold `admin`. */
export async function createDevToken(
  config: Pick<Config, 'JWT_SECRET'>,
  options: { userId: string; admin?: boolean; expiresIn?: string },
): Promise<string> {
  return new SignJWT({ roles: options.admin ? ['admin'] : [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.userId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(config.JWT_SECRET));
}
