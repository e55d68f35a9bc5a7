import { SignJWT } from 'jose';
import { createParser } from 'eventsource-parser';
import { createDevToken } from '../../adapters/auth/dev-token.js';
import { createApp } from '../../api/app.js';
import { createApiDeps, type ApiConfig, type ApiDeps, type ApiResources } from '../../api/deps.js';
import { composeDashboard, type CanonicalDashboard } from '../../dashboard/index.js';
import { NOW, richPreferences, richSources } from '../dashboard/fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
export { serveApp } from '../support/serve-app.js';

/**
 * The API on the real stack: a real worker (startTestPlatform) on its own task queue, and the API's
 * own real Redis, Cassandra and Temporal clients on that queue. Apps are cheap: a test that needs
 * other limits builds one with `app({ ...overrides })` over the same clients.
 */
export interface ApiHarness {
  readonly platform: TestPlatform;
  readonly resources: ApiResources;
  readonly deps: ApiDeps;
  app(config?: Partial<ApiConfig>, deps?: Partial<ApiDeps>): ReturnType<typeof createApp>;
  token(userId: string, options?: { admin?: boolean }): Promise<string>;
  /** A second set of API clients, as another API process would have. */
  anotherProcess(): ApiResources;
  stop(): Promise<void>;
}

export async function startApiHarness(): Promise<ApiHarness> {
  const platform = await startTestPlatform();
  const config = { ...platform.config, LOG_LEVEL: 'silent' as const };
  const resources = createApiDeps(config);
  const extra: ApiResources[] = [];
  return {
    platform,
    resources,
    deps: resources.deps,
    app: (overrides = {}, deps = {}) =>
      createApp({ ...resources.deps, ...deps, config: { ...resources.deps.config, ...overrides } }),
    token: (userId, options = {}) => createDevToken(platform.config, { userId, admin: options.admin ?? false }),
    anotherProcess() {
      const another = createApiDeps(config);
      extra.push(another);
      return another;
    },
    async stop() {
      for (const another of extra) await another.close();
      await resources.close();
      await platform.stop();
    },
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A token signed with the right secret but claims of our choosing (bad sub, expired, ...). */
export function signToken(
  secret: string,
  claims: Record<string, unknown>,
  options: { expiresAt?: number; alg?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(secret));
}

/** The canonical dashboard of the golden files (tests/dashboard/fixtures.ts), as a given user's view. */
export function fixtureView(userId: string, version = 1): CanonicalDashboard {
  return { ...composeDashboard(richSources, richPreferences(), NOW, { version }), userId };
}

export interface SseEvent {
  readonly event?: string;
  readonly id?: string;
  readonly data: string;
}

/** A live-update stream read with fetch: events and comment lines (heartbeats) as they arrive. */
export interface SseClient {
  readonly status: number;
  readonly events: SseEvent[];
  readonly comments: string[];
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  waitFor<T>(check: () => T | undefined, timeoutMs?: number): Promise<T>;
  close(): void;
}

export async function openStream(baseUrl: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/v1/dashboard/stream`, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const ended = (async () => {
    if (!response.body || response.status !== 200) return;
    const decoder = new TextDecoder();
    const parser = createParser({
      onEvent: ({ event, id, data }) =>
        events.push({ ...(event === undefined ? {} : { event }), ...(id === undefined ? {} : { id }), data }),
      onComment: (comment) => comments.push(comment.trim()),
    });
    try {
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: response.status,
    events,
    comments,
    ended,
    async waitFor(check, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error('timed out waiting on the stream');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => abort.abort(),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
