import { parseArgs } from 'node:util';
import { Id } from '../../../dashboard/index.js';
import { UsageError, parseRate, type OpsCommand } from '../command.js';
import { runAndFollow } from './follow.js';

export const rebuild: OpsCommand = {
  name: 'rebuild',
  summary: 'rebuild one user’s dashboard now',
  help: `usage: ops rebuild <userId>

Rebuilds the dashboard of one user through the rebuildMany workflow (trigger "admin"), waits for it,
and exits 1 if the rebuild failed.

example: npm run ops -- rebuild u-42`,
  async run(args, ctx, out) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    const userId = Id.safeParse(positionals[0]);
    if (!userId.success || positionals.length !== 1) throw new UsageError('give exactly one valid user id');
    return runAndFollow(
      ctx,
      out,
      { userIds: [userId.data], ratePerSecond: 1, trigger: 'admin' },
      `rebuild ${userId.data}`,
    );
  },
};

export const rebuildAll: OpsCommand = {
  name: 'rebuild-all',
  summary: 'rebuild every user’s dashboard at a bounded rate',
  help: `usage: ops rebuild-all [--rate N]

Rebuilds every user that has a dashboard view (paged from Cassandra) through the rebuildMany
workflow, at most N users per second (default 250: a page of N users built by one activity each
second), showing progress; exits 1 if any failed.

example: npm run ops -- rebuild-all --rate 100`,
  async run(args, ctx, out) {
    const { values } = parseArgs({ args, options: { rate: { type: 'string', default: '250' } } });
    const rate = parseRate(values.rate);
    return runAndFollow(ctx, out, { ratePerSecond: rate, trigger: 'admin' }, 'rebuild-all');
  },
};
