import { parseArgs } from 'node:util';
import { listFailedRebuilds, lookbackStart } from '../../../adapters/temporal/workflow-inspection.js';
import { UsageError, parseRate, type OpsCommand } from '../command.js';
import { runAndFollow } from './follow.js';

const sinceOptions = { since: { type: 'string', default: '1h' }, 'task-queue': { type: 'string' } } as const;

function sinceOf(text: string): Date {
  const since = lookbackStart(text, Date.now());
  if (since === undefined) throw new UsageError(`--since takes a duration like 30m, 1h or 2d, got ${text}`);
  return since;
}

export const failed: OpsCommand = {
  name: 'failed',
  summary: 'list failed or timed-out rebuilds with the reason',
  help: `usage: ops failed [--since 1h] [--task-queue NAME]

Lists rebuildDashboard runs that failed or timed out since the given time (Temporal visibility), one
line per run with the user, when it closed and why. Exits 1 when there are any.

example: npm run ops -- failed --since 6h`,
  async run(args, ctx, out) {
    const { values } = parseArgs({ args, options: sinceOptions });
    const { client } = await ctx.temporal();
    const rows = await listFailedRebuilds(client, sinceOf(values.since), values['task-queue']);
    for (const row of rows) out.line(`${row.closedAt}  ${row.status.padEnd(9)} ${row.userId.padEnd(20)} ${row.reason}`);
    out.line(`${rows.length} failed rebuild${rows.length === 1 ? '' : 's'} since ${values.since} ago`);
    return rows.length > 0 ? 1 : 0;
  },
};

export const replayFailed: OpsCommand = {
  name: 'replay-failed',
  summary: 'rebuild the users whose rebuild failed, and report how many now succeed',
  help: `usage: ops replay-failed [--since 1h] [--rate N] [--dry-run] [--task-queue NAME]

Finds the users whose rebuild failed or timed out since the given time and rebuilds each once more
(trigger "replay") at most N per second (default 20), following progress. --dry-run only lists them.
Exits 1 if any still fails.

example: npm run ops -- replay-failed --since 2h --rate 50`,
  async run(args, ctx, out) {
    const { values } = parseArgs({
      args,
      options: {
        ...sinceOptions,
        rate: { type: 'string', default: '20' },
        'dry-run': { type: 'boolean', default: false },
      },
    });
    const rate = parseRate(values.rate);
    const { client } = await ctx.temporal();
    const users = [
      ...new Set((await listFailedRebuilds(client, sinceOf(values.since), values['task-queue'])).map((r) => r.userId)),
    ];
    out.line(`${users.length} user${users.length === 1 ? '' : 's'} with failed rebuilds since ${values.since} ago`);
    if (values['dry-run']) {
      for (const userId of users) out.line(`  would rebuild ${userId}`);
      return 0;
    }
    if (users.length === 0) return 0;
    return runAndFollow(ctx, out, { userIds: users, ratePerSecond: rate, trigger: 'replay' }, 'replay-failed');
  },
};
