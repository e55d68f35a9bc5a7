import { z } from 'zod';

/** A span as the trace viewer (Zipkin's v2 API) returns it; times in microseconds. */
const ViewerSpan = z.object({
  traceId: z.string(),
  id: z.string(),
  parentId: z.string().optional(),
  name: z.string().default(''),
  timestamp: z.number().optional(),
  duration: z.number().optional(),
  localEndpoint: z.object({ serviceName: z.string().optional() }).optional(),
  tags: z.record(z.string(), z.string()).default({}),
});
export type ViewerSpan = z.infer<typeof ViewerSpan>;

const Traces = z.array(z.array(ViewerSpan));

/** How long one question to the trace viewer may take. */
const TIMEOUT_MS = 5_000;

/**
 * The stack's trace viewer as `ops trace` asks it: the newest traces in which a user's dashboard was
 * built, through Zipkin's query API at the viewer's origin (every span of a build carries `user.id`).
 */
export function createTraceViewer(viewerUrl: string) {
  const api = new URL('/api/v2/', viewerUrl);
  return {
    /** The page of one trace in the viewer's UI. */
    traceUrl: (traceId: string) => `${viewerUrl.replace(/\/$/, '')}/traces/${traceId}`,

    /** The newest traces (at most `limit`, newest first) with a build of `userId` within `lookbackMs`. */
    async buildsOf(userId: string, lookbackMs: number, limit = 1): Promise<ViewerSpan[][]> {
      const query = new URL('traces', api);
      query.search = new URLSearchParams({
        annotationQuery: `user.id=${userId}`,
        spanName: 'build dashboard',
        lookback: String(lookbackMs),
        endTs: String(Date.now()),
        // Zipkin picks by trace start; enough to pick the newest build from.
        limit: String(Math.max(limit, 10)),
      }).toString();
      const response = await fetch(query, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) throw new Error(`the trace viewer answered ${response.status} at ${query.origin}`);
      // Newest by the user's own build in each trace.
      const builtAt = (trace: ViewerSpan[]) =>
        Math.max(
          ...trace
            .filter((s) => s.name === 'build dashboard' && s.tags['user.id'] === userId)
            .map((s) => s.timestamp ?? 0),
        );
      return Traces.parse(await response.json())
        .sort((a, b) => builtAt(b) - builtAt(a))
        .slice(0, limit);
    },
  };
}
