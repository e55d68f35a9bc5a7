import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevToken } from '../../adapters/auth/dev-token.js';
import { createTokenVerifier, type AuthConfig } from '../../adapters/auth/token-verifier.js';
import { bearerAuth } from '../../api/middleware/auth.js';
import type { AppEnv } from '../../api/env.js';
import { ApiError, problemResponse } from '../../api/problem.js';
import { DEVELOPMENT_JWT_SECRET } from '../../config/index.js';

/**
 * Tokens as a bank's identity provider issues them: signed with its private keys, checked against the
 * public key set it serves (here a local JWKS server whose keys the tests rotate).
 */
const ISSUER = 'https://login.bank.example/';
const AUDIENCE = 'dashboard-api';

interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function signingKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The provider's key set endpoint: serves `published`, counts its fetches, and can be switched off. */
let published: SigningKey[] = [];
let answering = true;
let fetches = 0;
let server: Server;
let jwksUrl: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    fetches++;
    if (!answering) return void res.writeHead(503).end();
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: published.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const token = (
  key: SigningKey,
  claims: Record<string, unknown> = {},
  options: { issuer?: string; audience?: string; expires?: string } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setSubject('u-42')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expires ?? '5m')
    .sign(key.privateKey);

/** The API's auth middleware in front of a route that shows who called. */
function appWith(config: Partial<AuthConfig>, admin: { claim?: string; role?: string } = {}) {
  const verify = createTokenVerifier({ JWT_SECRET: DEVELOPMENT_JWT_SECRET, ...config }, { jwksCooldownMs: 0 });
  const logger = pino({ level: 'silent' });
  return new Hono<AppEnv>()
    .onError((error, c) => (error instanceof ApiError ? problemResponse(c, error) : c.text(String(error), 500)))
    .use('*', async (c, next) => {
      c.set('logger', logger.child({}));
      await next();
    })
    .use('*', bearerAuth({ verify, adminClaim: admin.claim, adminRole: admin.role }))
    .get('/whoami', (c) => c.json(c.get('caller')));
}

const call = async (app: ReturnType<typeof appWith>, bearer: string) => {
  const response = await app.request('/whoami', { headers: { Authorization: `Bearer ${bearer}` } });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    retryAfter: response.headers.get('retry-after'),
  };
};

const provider = () => ({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });

describe('tokens from the identity provider (JWKS)', () => {
  it('accepts RS256 and ES256 tokens of the provider, and takes admin rights from the configured claim', async () => {
    const rsa = await signingKey('rsa-1', 'RS256');
    const ec = await signingKey('ec-1', 'ES256');
    published = [rsa, ec];
    const app = appWith(provider(), { claim: 'realm_access.roles', role: 'dashboard-admin' });

    expect(await call(app, await token(rsa))).toMatchObject({ status: 200, body: { userId: 'u-42', admin: false } });
    expect(await call(app, await token(ec, { realm_access: { roles: ['dashboard-admin'] } }))).toMatchObject({
      status: 200,
      body: { admin: true },
    });
    // The role must be at the configured place: the same name elsewhere grants nothing.
    expect(await call(app, await token(ec, { roles: ['dashboard-admin'] }))).toMatchObject({
      status: 200,
      body: { admin: false },
    });
  });

  it('refuses a foreign issuer or audience, an expired token, and a development token', async () => {
    const rsa = await signingKey('rsa-2', 'RS256');
    published = [rsa];
    const app = appWith(provider());
    for (const refused of [
      await token(rsa, {}, { issuer: 'https://elsewhere.example/' }),
      await token(rsa, {}, { audience: 'another-api' }),
      await token(rsa, {}, { expires: '-1m' }),
      // HS256 with the development secret: a shared secret must not open production.
      await createDevToken({ JWT_SECRET: DEVELOPMENT_JWT_SECRET }, { userId: 'u-42', admin: true }),
    ]) {
      const answer = await call(app, refused);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'UNAUTHORIZED' });
    }
  });

  it('picks up rotated keys: a token of a new key works at once, one of a withdrawn key no longer does', async () => {
    const old = await signingKey('rotating-1', 'RS256');
    published = [old];
    const app = appWith(provider());
    const oldToken = await token(old);
    expect((await call(app, oldToken)).status).toBe(200);

    const next = await signingKey('rotating-2', 'ES256');
    published = [next];
    const before = fetches;
    expect(await call(app, await token(next))).toMatchObject({ status: 200, body: { userId: 'u-42' } });
    expect(fetches).toBe(before + 1);
    // A different token string of the withdrawn key (the same string would be remembered as verified).
    expect((await call(app, await token(old, { nonce: 1 }))).status).toBe(401);
  });

  it('answers 503 with Retry-After, not 401, when the key set cannot be fetched', async () => {
    const rsa = await signingKey('rsa-3', 'RS256');
    published = [rsa];
    answering = false;
    try {
      const answer = await call(appWith(provider()), await token(rsa));
      expect(answer).toMatchObject({ status: 503, body: { code: 'AUTH_UNAVAILABLE' }, retryAfter: '5' });
    } finally {
      answering = true;
    }
  });
});

describe('development tokens (no JWKS configured)', () => {
  it('accepts HS256 tokens of the development secret with the roles claim', async () => {
    const app = appWith({});
    expect(
      await call(app, await createDevToken({ JWT_SECRET: DEVELOPMENT_JWT_SECRET }, { userId: 'u-7', admin: true })),
    ).toMatchObject({ status: 200, body: { userId: 'u-7', admin: true } });
    expect(
      (
        await call(
          app,
          await createDevToken({ JWT_SECRET: 'another-secret-of-at-least-32-characters' }, { userId: 'u-7' }),
        )
      ).status,
    ).toBe(401);
  });
});
