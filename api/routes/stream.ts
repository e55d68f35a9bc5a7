import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Logger } from 'pino';
import { SUPPORTED_SCHEMA_VERSION, type CanonicalDashboard } from '../../dashboard/index.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import type { DashboardUpdatedEvent } from '../live/stream-hub.js';
import { bearer, problems } from '../schemas.js';
import { withTimeout } from '../with-timeout.js';

const streamRoute = createRoute({
  method: 'get',
  path: '/v1/dashboard/stream',
  tags: ['dashboard'],
  summary: "Server-Sent Events: DashboardUpdated for the caller's dashboard",
  description:
    'Event `DashboardUpdated`, `id` = dashboard version, data = the event envelope. Comment lines are heartbeats. ' +
    'Reconnect with Last-Event-ID: when a newer dashboard was built meanwhile, it is announced at once.',
  security: bearer,
  request: { headers: z.object({ 'last-event-id': z.string().optional() }) },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    401: problems[401],
    429: problems[429],
  },
});

/** The announcement a reconnecting client gets for a build it missed while it was away. */
function missedUpdate(view: CanonicalDashboard): DashboardUpdatedEvent {
  return {
    id: `resume:${view.userId}:${view.version}`,
    type: 'DashboardUpdated',
    source: 'dashboard-api',
    subject: view.userId,
    time: new Date().toISOString(),
    schemaVersion: SUPPORTED_SCHEMA_VERSION,
    // The view does not record what triggered its build; `replay` says this is a re-announcement.
    data: { userId: view.userId, version: view.version, builtAt: view.builtAt, trigger: 'replay' },
  };
}

export function streamRoutes(deps: Pick<ApiDeps, 'live' | 'views' | 'config'>) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(streamRoute, (c) => {
    const { userId } = c.get('caller');
    const logger = c.get('logger');
    // Our event ids are versions; anything else (another server's id, garbage) means "start from now".
    const lastEventId = /^\d{1,15}$/.exec(c.req.valid('header')['last-event-id']?.trim() ?? '')?.[0];
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, (stream) => runStream(stream, { userId, lastEventId: lastEventId === undefined ? undefined : Number(lastEventId), logger, signal: c.req.raw.signal, deps }));
  });
  return app;
}

interface StreamContext {
  readonly userId: string;
  readonly lastEventId: number | undefined;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly deps: Pick<ApiDeps, 'live' | 'views' | 'config'>;
}

/** One client's stream, from subscribe to the moment the client leaves or the process stops. */
async function runStream(stream: SSEStreamingApi, { userId, lastEventId, logger, signal, deps }: StreamContext): Promise<void> {
  let ended!: () => void;
  const finished = new Promise<void>((resolve) => (ended = resolve));
  stream.onAbort(() => ended());
  signal.addEventListener('abort', () => ended(), { once: true });

  // Versions only grow, so anything at or below what the client has seen is a duplicate to skip.
  let sentVersion = lastEventId ?? -1;
  const send = (event: DashboardUpdatedEvent) => {
    if (event.data.version <= sentVersion) return;
    sentVersion = event.data.version;
    stream.writeSSE({ event: 'DashboardUpdated', id: String(event.data.version), data: JSON.stringify(event) }).catch(() => ended());
  };

  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    unsubscribe = await deps.live.subscribe(userId, { onUpdate: send, onClose: ended });
    // Subscribed before reading the view, so a build finishing in between is heard, not lost.
    await stream.write(`retry: 3000\n: connected\n\n`);
    if (lastEventId !== undefined) {
      const view = await withTimeout(deps.views.load(userId), 1_000, 'view store').catch(() => undefined);
      if (view) send(missedUpdate(view));
    }
    heartbeat = setInterval(() => {
      // Keeps proxies from closing an idle stream and lets the client notice a dead one.
      stream.write(': heartbeat\n\n').catch(() => ended());
    }, deps.config.SSE_HEARTBEAT_SECONDS * 1_000);
    if (stream.aborted || signal.aborted) ended();
    await finished;
  } catch (error) {
    logger.warn({ err: error }, 'live stream failed');
  } finally {
    clearInterval(heartbeat);
    unsubscribe?.();
  }
}
