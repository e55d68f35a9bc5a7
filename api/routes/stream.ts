import type { ServerResponse } from 'node:http';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Logger } from 'pino';
import { SUPPORTED_SCHEMA_VERSION, type CanonicalDashboard } from '../../dashboard/index.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import type { DashboardUpdatedEvent } from '../live/stream-hub.js';
import { ApiError } from '../problem.js';
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
    503: {
      ...problems[503],
      description: 'This process holds as many streams as it may (TOO_MANY_STREAMS): reconnect after Retry-After',
    },
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

/** Where a stream's bytes go: the Node response itself, or a web stream where there is none (app.request). */
interface SseSink {
  write(chunk: string): void;
  end(): void;
  onGone(listener: () => void): void;
}

const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};
/** A peer that reads nothing while this much is queued for it is gone (or too slow to matter): it is cut. */
const MAX_QUEUED_BYTES = 64 * 1024;
/** How long an app refused for want of room waits before it reconnects. */
const STREAMS_FULL_RETRY_AFTER_SECONDS = 5;
/** TCP keep-alive probes start after this much silence from the peer. */
const KEEPALIVE_MS = 30_000;

// Written straight to the Node response instead of through Hono's streamSSE: a web stream, its
// reader and their promises per stream were most of the 37 KiB a stream cost, which 10,000 open
// apps per process cannot afford.
function nodeSink(outgoing: ServerResponse, headers: Record<string, string>): SseSink {
  outgoing.writeHead(200, headers);
  outgoing.flushHeaders();
  outgoing.socket?.setKeepAlive(true, KEEPALIVE_MS);
  outgoing.socket?.setNoDelay(true);
  return {
    write(chunk) {
      if (outgoing.writableEnded || outgoing.destroyed) return;
      if (outgoing.writableLength > MAX_QUEUED_BYTES) outgoing.destroy();
      else outgoing.write(chunk);
    },
    end: () => outgoing.end(),
    onGone: (listener) => void outgoing.once('close', listener),
  };
}

function webSink(): { sink: SseSink; body: ReadableStream<Uint8Array> } {
  const encoder = new TextEncoder();
  const gone: (() => void)[] = [];
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    for (const listener of gone) listener();
  };
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c), cancel: close });
  return {
    body,
    sink: {
      write: (chunk) => open && controller.enqueue(encoder.encode(chunk)),
      end() {
        if (open) controller.close();
        close();
      },
      onGone: (listener) => void gone.push(listener),
    },
  };
}

export function streamRoutes(deps: Pick<ApiDeps, 'live' | 'views' | 'config'>) {
  const app = new OpenAPIHono<AppEnv>();
  const heartbeats = createHeartbeats(deps.config.SSE_HEARTBEAT_SECONDS * 1_000);
  // Counted here, as each stream is accepted: the hub's subscriptions are made a moment later.
  let open = 0;

  app.openapi(streamRoute, (c) => {
    const { userId } = c.get('caller');
    if (open >= deps.config.SSE_MAX_STREAMS)
      throw new ApiError(503, 'TOO_MANY_STREAMS', {
        detail: 'This server holds as many live streams as it can; reconnect shortly',
        headers: { 'Retry-After': String(STREAMS_FULL_RETRY_AFTER_SECONDS) },
      });
    // Our event ids are versions; anything else (another server's id, garbage) means "start from now".
    const lastEventId = /^\d{1,15}$/.exec(c.req.valid('header')['last-event-id']?.trim() ?? '')?.[0];
    const headers = { ...STREAM_HEADERS, 'X-Request-Id': c.get('requestId') };
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    const web = outgoing ? undefined : webSink();
    const sink = outgoing ? nodeSink(outgoing, headers) : web!.sink;
    open++;
    // runStream never rejects: whatever happens to the stream, it ends in its finally.
    void runStream(sink, {
      userId,
      lastEventId: lastEventId === undefined ? undefined : Number(lastEventId),
      logger: c.get('logger'),
      deps,
      heartbeats,
    }).finally(() => open--);
    // node-server sends nothing more for a response marked as sent already.
    return web ? new Response(web.body, { headers }) : new Response(null, { headers: RESPONSE_ALREADY_SENT.headers });
  });
  return app;
}

interface StreamContext {
  readonly userId: string;
  readonly lastEventId: number | undefined;
  readonly logger: Logger;
  readonly deps: Pick<ApiDeps, 'live' | 'views' | 'config'>;
  readonly heartbeats: Heartbeats;
}

interface Heartbeats {
  add(sink: SseSink): void;
  delete(sink: SseSink): void;
}

/**
 * One timer for every open stream of the process, running while there are any: heartbeats keep
 * proxies from closing idle streams and make a write to a vanished peer fail.
 */
function createHeartbeats(intervalMs: number): Heartbeats {
  const open = new Set<SseSink>();
  let timer: NodeJS.Timeout | undefined;
  return {
    add(sink) {
      open.add(sink);
      timer ??= setInterval(() => {
        for (const each of open) each.write(': heartbeat\n\n');
      }, intervalMs);
    },
    delete(sink) {
      open.delete(sink);
      if (open.size > 0) return;
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/**
 * One client's stream, from subscribe to the moment the client leaves, the process stops or the
 * stream reaches its maximum age: then the client reconnects with Last-Event-ID and is told of
 * anything it missed, so a peer that vanished without a word holds nothing for longer than that.
 */
async function runStream(
  sink: SseSink,
  { userId, lastEventId, logger, deps, heartbeats }: StreamContext,
): Promise<void> {
  let ended!: () => void;
  const finished = new Promise<void>((resolve) => (ended = resolve));
  sink.onGone(() => ended());
  const maxAge = setTimeout(() => ended(), deps.config.SSE_MAX_AGE_SECONDS * 1_000);

  // Versions only grow, so anything at or below what the client has seen is a duplicate to skip.
  let sentVersion = lastEventId ?? -1;
  const send = (event: DashboardUpdatedEvent) => {
    if (event.data.version <= sentVersion) return;
    sentVersion = event.data.version;
    sink.write(`event: DashboardUpdated\nid: ${event.data.version}\ndata: ${JSON.stringify(event)}\n\n`);
  };

  let unsubscribe: (() => void) | undefined;
  try {
    unsubscribe = await deps.live.subscribe(userId, { onUpdate: send, onClose: ended });
    // Subscribed before reading the view, so a build finishing in between is heard, not lost.
    sink.write(`retry: 3000\n: connected\n\n`);
    heartbeats.add(sink);
    if (lastEventId !== undefined) {
      const view = await withTimeout(deps.views.load(userId), 1_000, 'view store').catch(() => undefined);
      if (view) send(missedUpdate(view));
    }
    await finished;
  } catch (error) {
    logger.warn({ err: error }, 'live stream failed');
  } finally {
    clearTimeout(maxAge);
    heartbeats.delete(sink);
    unsubscribe?.();
    sink.end();
  }
}
