import { Day, INSIGHTS_MAX_DAYS } from '../../../dashboard/index.js';
import { runBackfill } from '../../../adapters/temporal/analytics-workflows.js';
import { analyticsTaskQueue } from '../../../config/index.js';
import { addDays, utcDay } from '../../../dashboard/days.js';
import { UsageError, textOption, type OpsCommand } from '../command.js';

export const analyticsBackfill: OpsCommand = {
  name: 'analytics-backfill',
  summary: 'roll up the insights of a range of days again',
  options: [
    { flags: '--from <day>', description: 'the first day, YYYY-MM-DD' },
    { flags: '--to <day>', description: 'the last day (default: --from)' },
  ],
  description: `Recomputes the daily insight summaries of every day from --from to --to (default: --from), both
included, from the raw events still in the analytics store, through the backfillAnalytics workflow
(one day at a time, showing progress). Re-running a day gives the same figures. Days before today
count as complete, so their raw events may expire after the retention period.`,
  example: 'npm run ops -- analytics-backfill --from 2026-11-01 --to 2026-11-23',
  async run({ opts }, ctx, out) {
    const from = Day.safeParse(textOption(opts, 'from'));
    const to = Day.safeParse(textOption(opts, 'to') ?? textOption(opts, 'from'));
    if (!from.success || !to.success) throw new UsageError('give --from (and --to) as days, e.g. 2026-11-23');
    if (from.data > to.data) throw new UsageError('--from is after --to');
    if (to.data >= addDays(from.data, INSIGHTS_MAX_DAYS))
      throw new UsageError(`at most ${INSIGHTS_MAX_DAYS} days at once`);
    if (from.data > utcDay(Date.now())) throw new UsageError('--from is in the future');
    const { client } = await ctx.temporal();
    const bar = out.progress('analytics backfill', 0);
    const result = await runBackfill(client, {
      taskQueue: analyticsTaskQueue(ctx.config),
      from: from.data,
      to: to.data,
      onProgress: (progress) => bar.update(progress.done, progress.current ?? ''),
    });
    bar.update(result.days.length);
    bar.stop();
    for (const { day, rawEvents } of result.days) out.line(`${day}: rolled up from ${rawEvents} raw events`);
    return 0;
  },
};
