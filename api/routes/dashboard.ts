import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ClientDashboard, Id, type ClientProfile } from '../../dashboard/index.js';
import { resolveClientProfile } from '../../config/capability-matrix.js';
import type { AppEnv } from '../env.js';
import { authorizeUser } from '../middleware/auth.js';
import type { DashboardRead, ReadPath } from '../read-path.js';
import { bearer, problems } from '../schemas.js';
import type { ViewEmitter } from '../view-events.js';

// Documented, not validated: every value of these optional headers is acceptable (an unknown one gets
// the conservative profile), so a validator would only cost each read a fetch Request built from it.
const clientHeaders = [
  { name: 'X-Client-Platform', description: 'ios, android or web; missing or unknown = the most conservative profile' },
  { name: 'X-Client-Version', description: 'App version (semver)' },
  { name: 'If-None-Match', description: 'The ETag of the dashboard the client holds: 304 when it is current' },
].map(({ name, description }) => ({
  name,
  in: 'header' as const,
  required: false,
  description,
  schema: { type: 'string' as const },
}));

const dashboardResponses = {
  200: {
    description: 'The dashboard rendered for the client profile',
    headers: {
      ETag: { schema: { type: 'string' as const }, description: 'Strong ETag of these bytes' },
      'X-Dashboard-Source': { schema: { type: 'string' as const, enum: ['cache', 'view', 'rebuild'] } },
      'X-Dashboard-Stale': {
        schema: { type: 'string' as const, enum: ['true'] },
        description: 'Present when a stale entry was served while it is refreshed',
      },
      'X-Dashboard-Profile': {
        schema: { type: 'string' as const },
        description: 'The capability profile the dashboard was rendered for, e.g. ios-v3',
      },
    },
    content: { 'application/json': { schema: ClientDashboard.meta({ id: 'ClientDashboard' }) } },
  },
  304: { description: 'If-None-Match matched the current ETag' },
  401: problems[401],
  403: problems[403],
  422: problems[422],
  429: problems[429],
  503: problems[503],
};

const ownDashboard = createRoute({
  method: 'get',
  path: '/v1/dashboard',
  tags: ['dashboard'],
  summary: "The caller's dashboard",
  security: bearer,
  parameters: clientHeaders,
  responses: dashboardResponses,
});

const userDashboard = createRoute({
  method: 'get',
  path: '/v1/users/{userId}/dashboard',
  tags: ['dashboard'],
  summary: "A user's dashboard: the caller's own, or anyone's with the admin role",
  security: bearer,
  parameters: clientHeaders,
  request: { params: z.object({ userId: Id }) },
  responses: dashboardResponses,
});

/** RFC 9110 If-None-Match: weak comparison, a list of tags, or `*`. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

// What analytics records as the app version: a version-like header as sent, anything else as one
// value, so a malformed header can neither break the event contract nor add a row per garbage string.
const APP_VERSION = /^\d[\w.+-]{0,31}$/;
const reportedVersion = (header: string | undefined) => {
  const version = header?.trim();
  return version !== undefined && APP_VERSION.test(version) ? version : 'unknown';
};

/** A dashboard answer as sent: status, headers, and the cached bytes unless it is a 304. */
export interface DashboardAnswer {
  readonly status: 200 | 304;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * The answer to a dashboard read, from the route and from the fast read (api/fast-read.ts) alike,
 * with the read recorded for analytics once the answer is decided.
 */
export function answerDashboard(
  request: {
    readonly userId: string;
    readonly profile: ClientProfile;
    readonly appVersion: string | undefined;
    readonly ifNoneMatch: string | undefined;
    readonly started: number;
  },
  { entry, source, stale }: DashboardRead,
  viewEvents?: Pick<ViewEmitter, 'emit'>,
): DashboardAnswer {
  const { userId, profile } = request;
  const headers: Record<string, string> = {
    ETag: entry.etag,
    // Every request revalidates (cheap: a 304 from Redis); nothing shared may store a user's dashboard.
    'Cache-Control': 'private, no-cache',
    Vary: 'Authorization, X-Client-Platform, X-Client-Version',
    'X-Dashboard-Source': source,
    'X-Dashboard-Profile': profile.key,
    ...(stale ? { 'X-Dashboard-Stale': 'true' } : {}),
  };
  const etagHit = noneMatch(request.ifNoneMatch, entry.etag);
  // emit only buffers, so the answer does not wait for it.
  viewEvents?.emit({
    userId,
    platform: profile.platform,
    appVersion: reportedVersion(request.appVersion),
    profile: profile.key,
    source,
    latencyMs: performance.now() - request.started,
    etagHit,
    served: entry,
  });
  if (etagHit) return { status: 304, headers };
  // The cached bytes are sent as they are: no parse, no re-serialisation on the hot path.
  return { status: 200, headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' }, body: entry.body };
}

export function dashboardRoutes(readPath: ReadPath, viewEvents?: Pick<ViewEmitter, 'emit'>) {
  const app = new OpenAPIHono<AppEnv>();

  const send = async (c: Context<AppEnv>, userId: string) => {
    const started = performance.now();
    const appVersion = c.req.header('x-client-version');
    const profile = resolveClientProfile(c.req.header('x-client-platform'), appVersion);
    const read = await readPath.read(userId, profile, c.get('logger'));
    const ifNoneMatch = c.req.header('if-none-match');
    const answer = answerDashboard({ userId, profile, appVersion, ifNoneMatch, started }, read, viewEvents);
    return answer.body === undefined ? c.body(null, 304, answer.headers) : c.body(answer.body, 200, answer.headers);
  };

  app.openapi(ownDashboard, (c) => send(c, c.get('caller').userId));
  app.openapi(userDashboard, (c) => {
    const { userId } = c.req.valid('param');
    authorizeUser(c.get('caller'), userId);
    return send(c, userId);
  });
  return app;
}
