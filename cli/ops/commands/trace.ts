import { createTraceViewer } from '../../../adapters/telemetry/trace-viewer.js';
import { UsageError, textOption, userIdArgument, type OpsCommand } from '../command.js';

const HOUR_MS = 3_600_000;

export const trace: OpsCommand = {
  name: 'trace',
  summary: 'the latest traced rebuild of a user: where its time went, and its link in the trace viewer',
  arguments: ['<userId>'],
  options: [{ flags: '--hours <n>', description: 'how far back to look, 1 to 168', default: '1' }],
  description: `Finds the newest trace in the trace viewer (TRACE_VIEWER_URL) in which the user's dashboard was built
within the last N hours (default 1): for an event-driven rebuild, the trace of the domain write behind
it. Prints its link and every span in start order with its offset, duration and process, so "why did
the new balance take 9 seconds" reads off the bridge, workflow, build and push lines.
Exits 1 when no such trace is found (tracing off, or nothing built in that time).`,
  example: 'npm run ops -- trace u-42',
  async run({ args, opts }, ctx, out) {
    const userId = userIdArgument(args);
    const hours = Number(textOption(opts, 'hours'));
    if (!Number.isInteger(hours) || hours < 1 || hours > 168)
      throw new UsageError('--hours must be an integer from 1 to 168');

    const viewer = createTraceViewer(ctx.config.TRACE_VIEWER_URL);
    const [spans] = await viewer.buildsOf(userId, hours * HOUR_MS);
    if (spans === undefined || spans.length === 0) {
      out.error(`no traced build of ${userId} in the last ${hours} h (is OTEL_TRACES_EXPORTER set?)`);
      return 1;
    }
    const ordered = [...spans].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    const start = ordered[0]?.timestamp ?? 0;
    const end = Math.max(...ordered.map((s) => (s.timestamp ?? start) + (s.duration ?? 0)));
    out.line(`trace ${spans[0]?.traceId ?? ''}: ${ordered.length} spans over ${((end - start) / 1000).toFixed(1)} ms`);
    out.line(viewer.traceUrl(spans[0]?.traceId ?? ''));
    for (const span of ordered) {
      const at = `+${(((span.timestamp ?? start) - start) / 1000).toFixed(1)} ms`.padStart(12);
      const took = `${((span.duration ?? 0) / 1000).toFixed(1)} ms`.padStart(10);
      out.line(`${at} ${took}  ${(span.localEndpoint?.serviceName ?? '?').padEnd(20)} ${span.name}`);
    }
    return 0;
  },
};
