import { createSecretKey } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../../config/index.js';

/** The token is not one we accept (bad signature, wrong issuer or audience, expired, unknown key). */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  constructor(readonly expired: boolean) {
    super(expired ? 'The token has expired' : 'The token is invalid');
  }
}

/** The identity provider's key set could not be fetched: nobody's token can be checked right now. */
export class AuthUnavailableError extends Error {
  override readonly name = 'AuthUnavailableError';
}

/** Verifies a bearer token and returns its claims; throws one of the two errors above. */
export type TokenVerifier = (token: string) => Promise<JWTPayload>;

export type AuthConfig = Pick<Config, 'JWT_SECRET' | 'AUTH_JWKS_URL' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE'>;

export interface VerifierOptions {
  /** How long one fetch of the key set may take. */
  readonly jwksTimeoutMs?: number;
  /** The least time between two fetches caused by tokens naming a key the cached set lacks. */
  readonly jwksCooldownMs?: number;
}

// Failures of the key set's fetch, not of the token: a non-200 answer or unreadable JSON from the
// identity provider, or no answer in time.
const PROVIDER_FAILURES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_INVALID', 'ERR_JWKS_TIMEOUT']);

async function claimsOf(verification: Promise<{ payload: JWTPayload }>): Promise<JWTPayload> {
  try {
    return (await verification).payload;
  } catch (error) {
    if (!(error instanceof errors.JOSEError) || PROVIDER_FAILURES.has(error.code)) {
      throw new AuthUnavailableError(
        `the token signing keys could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    throw new InvalidTokenError(error instanceof errors.JWTExpired);
  }
}

/**
 * Tokens as the bank issues them: RS256 or ES256, signed by the identity provider whose public keys
 * are at AUTH_JWKS_URL (jose's remote key set: cached, fetched again when a token names a key it does
 * not hold, so rotated keys are picked up), with the issuer and audience checked. Without a key set
 * URL, HS256 with JWT_SECRET, the development tokens `npm run token` makes; config refuses that in
 * production. The algorithm is fixed by us, never chosen by the token.
 */
export function createTokenVerifier(config: AuthConfig, options: VerifierOptions = {}): TokenVerifier {
  if (config.AUTH_JWKS_URL !== undefined) {
    const keys = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL), {
      timeoutDuration: options.jwksTimeoutMs ?? 2_000,
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    const checks = { algorithms: ['RS256', 'ES256'], issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE };
    return (token) => claimsOf(jwtVerify(token, keys, checks));
  }
  const key = createSecretKey(Buffer.from(config.JWT_SECRET));
  return (token) => claimsOf(jwtVerify(token, key, { algorithms: ['HS256'] }));
}
