import { httpInstrumentationMiddleware } from '@hono/otel';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ZodError } from 'zod';
import { toJsonPointer } from '../dashboard/index.js';
import type { ApiDeps } from './deps.js';
import type { AppEnv } from './env.js';
import { createFastRead, REQUEST_ID_MAX_LENGTH, type FastRead } from './fast-read.js';
import { bearerAuth, rememberCallers } from './middleware/auth.js';
import { limitBody, validationFailed } from './middleware/body.js';
import { durationRecorder, httpMetrics } from './middleware/http-metrics.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestLog } from './middleware/request-log.js';
import { createApiMetrics, type ApiMetrics } from './metrics.js';
import { ApiError, problemResponse } from './problem.js';
import { createReadPath } from './read-path.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { adminRoutes } from './routes/admin.js';
import { insightsRoutes } from './routes/insights.js';
import { docsRoutes } from './routes/docs.js';
import { opsRoutes } from './routes/ops.js';
import { preferencesRoutes } from './routes/preferences.js';
import { streamRoutes } from './routes/stream.js';
import { temporalCodecRoutes } from './routes/temporal-codec.js';
import { TEMPORAL_CODEC_PATH } from '../config/index.js';
import { webAppRoutes } from './routes/web-app.js';

export interface AppOptions {
  /** Process-level metrics (CPU, memory, event loop) on /metrics; off in tests that build many apps. */
  readonly defaultMetrics?: boolean;
  /** The built web client (web/dist), served at /app/. */
  readonly webDir?: string;
  /** Whether the process traces (startTracing): then every request gets a server span. */
  readonly traced?: boolean;
}

/** Schema violations in params, query, headers or body, as field errors with JSON Pointers into what was sent. */
function fieldErrors(target: string, error: ZodError) {
  return error.issues.map((issue) => ({
    code: issue.code.toUpperCase(),
    path: toJsonPointer([target, ...issue.path]),
    message: issue.message,
  }));
}

/**
 * The methods each route pattern takes, as a lookup by request path. Hono matches routes itself but
 * does not say which other methods a path has, so the patterns (`/v1/users/:userId/dashboard`,
 * `:name{regex}`) are turned into regular expressions once, on the first unmatched request.
 */
function methodsByPath(routes: readonly { path: string; method: string }[]): (path: string) => string[] {
  const patterns = routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => {
      const source = route.path
        .split(/(:\w+(?:\{[^}]+\})?|\*)/)
        .map((part) =>
          part === '*'
            ? '.*'
            : part.startsWith(':')
              ? `(?:${/\{([^}]+)\}/.exec(part)?.[1] ?? '[^/]+'})`
              : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return { method: route.method, regex: new RegExp(`^${source}$`) };
    });
  return (path) => [...new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method))].sort();
}

/** HTTPExceptions come from Hono's own middleware; they get the same problem+json shape as ours. */
function fromHttpException(error: HTTPException): ApiError {
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
  };
  const code =
    /json/i.test(error.message) && error.status === 400
      ? 'INVALID_JSON'
      : (codes[error.status] ?? `HTTP_${error.status}`);
  return new ApiError(error.status, code, { detail: error.message });
}

/**
 * The API as a Hono app. Everything it talks to comes in through `deps`; the app holds only its own
 * metrics registry and the in-process single-flight of the read path.
 */
export function createApp(
  deps: ApiDeps,
  options: AppOptions = {},
): OpenAPIHono<AppEnv> & {
  readonly metrics: ApiMetrics;
  /** Cache hits answered ahead of the app, for the process's Node server (api/fast-read.ts); off when traced. */
  readonly fastRead?: FastRead;
} {
  const { config } = deps;
  const metrics = createApiMetrics({
    streams: () => deps.live.listenerCount(),
    ...(deps.viewEvents ? { viewEvents: deps.viewEvents.counts } : {}),
    defaultMetrics: options.defaultMetrics ?? false,
  });
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return problemResponse(c, validationFailed(fieldErrors(result.target, result.error)));
    },
  });

  // The id's header is set before any response exists, so every response carries it (errors included).
  // When tracing, a server span per request comes first, continuing the caller's traceparent, so the
  // request log carries its ids. Untraced, it is left out: even with nothing recording it cost a cache
  // hit 5-10 µs (measured in-process), a tenth of the hit's own time.
  if (options.traced === true) app.use('*', httpInstrumentationMiddleware({ serviceName: 'dashboard-api' }));
  const recordDuration = durationRecorder(metrics);
  app.use(
    '*',
    requestId({ limitLength: REQUEST_ID_MAX_LENGTH }),
    requestLog({ logger: deps.logger }),
    httpMetrics({ record: recordDuration }),
  );

  app.onError((error, c: Context<AppEnv>) => {
    if (error instanceof ApiError) return problemResponse(c, error);
    if (error instanceof HTTPException) return problemResponse(c, fromHttpException(error));
    (c.get('logger') ?? deps.logger).error({ err: error }, 'unhandled error');
    return problemResponse(c, new ApiError(500, 'INTERNAL', { detail: 'Something went wrong on our side' }));
  });
  // A path the API serves, asked with a method it does not take, is 405 with Allow (RFC 9110), not 404.
  let allowedMethods: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    allowedMethods ??= methodsByPath(app.routes);
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) {
      return problemResponse(
        c,
        new ApiError(405, 'METHOD_NOT_ALLOWED', {
          detail: `${c.req.path} takes ${allowed.join(', ')}`,
          headers: { Allow: allowed.join(', ') },
        }),
      );
    }
    return problemResponse(c, new ApiError(404, 'NOT_FOUND', { detail: `No route for ${c.req.method} ${c.req.path}` }));
  });

  // Open: load balancers, scrapers and people reading the docs carry no token.
  app.route('/', opsRoutes(deps, metrics));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Dashboard API',
      version: '1.0.0',
      description:
        'Personalised dashboards for the mobile and web apps. Errors are problem+json (RFC 9457) with a stable `code`.',
    },
  });
  app.route('/', docsRoutes('/openapi.json'));
  if (options.webDir !== undefined) app.route('/', webAppRoutes(options.webDir));

  // The Temporal UI asks for decoded payloads from its own origin, with the operator's token: its
  // preflight carries no token, so it is answered before authentication.
  app.use(
    `${TEMPORAL_CODEC_PATH}/*`,
    cors({
      origin: new URL(config.TEMPORAL_UI_URL).origin,
      allowMethods: ['POST'],
      allowHeaders: ['Authorization', 'Content-Type', 'X-Namespace'],
      maxAge: 600,
    }),
  );
  // Everything under /v1 is per user: who (401), how often (429), how much (413), in that order.
  const remembered = rememberCallers();
  app.use(
    '/v1/*',
    bearerAuth({
      verify: deps.verifyToken,
      adminClaim: config.AUTH_ADMIN_CLAIM,
      adminRole: config.AUTH_ADMIN_ROLE,
      remembered,
    }),
    rateLimit({ limiter: deps.rateLimiter, perMinute: config.RATE_LIMIT_PER_MINUTE }),
    limitBody(config.BODY_LIMIT_BYTES),
  );

  const softTtlMs = config.DASHBOARD_SOFT_TTL_SECONDS * 1_000;
  const readPath = createReadPath({
    cache: deps.cache,
    views: deps.views,
    workflows: deps.workflows,
    lock: deps.lock,
    metrics,
    logger: deps.logger,
    softTtlMs,
    deadlineMs: config.REBUILD_DEADLINE_MS,
  });
  app.route('/', streamRoutes(deps));
  app.route('/', dashboardRoutes(readPath, deps.viewEvents));
  app.route('/', preferencesRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.route('/', insightsRoutes(deps));
  app.route('/', temporalCodecRoutes(deps));

  // A traced process gives every request its server span, which only the app's middleware opens.
  const { peek } = deps.cache;
  const fastRead =
    options.traced === true || peek === undefined
      ? undefined
      : createFastRead({
          remembered,
          cache: { peek },
          limiter: deps.rateLimiter,
          perMinute: config.RATE_LIMIT_PER_MINUTE,
          softTtlMs,
          metrics,
          recordDuration,
          ...(deps.viewEvents ? { viewEvents: deps.viewEvents } : {}),
          logger: deps.logger,
        });
  return Object.assign(app, { metrics, ...(fastRead ? { fastRead } : {}) });
}
