import { listFailedRebuilds, lookbackStart } from '../../../adapters/temporal/workflow-inspection.js';
import {
  UsageError,
  flagOption,
  parseRate,
  rateOption,
  textOption,
  type OpsCommand,
  type OpsOption,
} from '../command.js';
import { runAndFollow } from './follow.js';

const sinceOptions: OpsOption[] = [
  { flags: '--since <duration>', description: 'how far back: 30m, 1h, 2d', default: '1h' },
  { flags: '--task-queue <name>', description: "only runs of this task queue (default: the platform's)" },
];

function sinceOf(text: string): Date {
  const since = lookbackStart(text, Date.now());
  if (since === undefined) throw new UsageError(`--since takes a duration like 30m, 1h or 2d, got ${text}`);
  return since;
}

export const failed: OpsCommand = {
  name: 'failed',
  summary: 'list failed or timed-out rebuilds with the reason',
  options: sinceOptions,
  description: `Lists rebuildDashboard runs that failed or timed out since the given time (Temporal visibility), one
line per run with the user, when it closed and why. Exits 1 when there are any.`,
  example: 'npm run ops -- failed --since 6h',
  async run({ opts }, ctx, out) {
    const since = textOption(opts, 'since') ?? '1h';
    const { client } = await ctx.temporal();
    const rows = await listFailedRebuilds(client, sinceOf(since), textOption(opts, 'taskQueue'));
    for (const row of rows) out.line(`${row.closedAt}  ${row.status.padEnd(9)} ${row.userId.padEnd(20)} ${row.reason}`);
    out.line(`${rows.length} failed rebuild${rows.length === 1 ? '' : 's'} since ${since} ago`);
    return rows.length > 0 ? 1 : 0;
  },
};

export const replayFailed: OpsCommand = {
  name: 'replay-failed',
  summary: 'rebuild the users whose rebuild failed, and report how many now succeed',
  options: [...sinceOptions, rateOption(20), { flags: '--dry-run', description: 'only list the users' }],
  description: `Finds the users whose rebuild failed or timed out since the given time and rebuilds each once more
(trigger "replay") at most N per second (default 20), following progress. --dry-run only lists them.
Exits 1 if any still fails.`,
  example: 'npm run ops -- replay-failed --since 2h --rate 50',
  async run({ opts }, ctx, out) {
    const since = textOption(opts, 'since') ?? '1h';
    const rate = parseRate(textOption(opts, 'rate'));
    const { client } = await ctx.temporal();
    const failures = await listFailedRebuilds(client, sinceOf(since), textOption(opts, 'taskQueue'));
    const users = [...new Set(failures.map((r) => r.userId))];
    out.line(`${users.length} user${users.length === 1 ? '' : 's'} with failed rebuilds since ${since} ago`);
    if (flagOption(opts, 'dryRun')) {
      for (const userId of users) out.line(`  would rebuild ${userId}`);
      return 0;
    }
    if (users.length === 0) return 0;
    return runAndFollow(ctx, out, { userIds: users, ratePerSecond: rate, trigger: 'replay' }, 'replay-failed');
  },
};
