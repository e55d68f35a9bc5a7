import { parseRate, rateOption, textOption, userIdArgument, type OpsCommand } from '../command.js';
import { runAndFollow } from './follow.js';

export const rebuild: OpsCommand = {
  name: 'rebuild',
  summary: 'rebuild one user’s dashboard now',
  arguments: ['<userId>'],
  description: `Rebuilds the dashboard of one user through the rebuildMany workflow (trigger "admin"), waits for it,
and exits 1 if the rebuild failed.`,
  example: 'npm run ops -- rebuild u-42',
  async run({ args }, ctx, out) {
    const userId = userIdArgument(args);
    return runAndFollow(ctx, out, { userIds: [userId], ratePerSecond: 1, trigger: 'admin' }, `rebuild ${userId}`);
  },
};

export const rebuildAll: OpsCommand = {
  name: 'rebuild-all',
  summary: 'rebuild every user’s dashboard at a bounded rate',
  options: [rateOption(250)],
  description: `Rebuilds every user that has a dashboard view (paged from Cassandra) through the rebuildMany
workflow, at most N users per second (default 250: a page of N users built by one activity each
second), showing progress; exits 1 if any failed.`,
  example: 'npm run ops -- rebuild-all --rate 100',
  async run({ opts }, ctx, out) {
    const rate = parseRate(textOption(opts, 'rate'));
    return runAndFollow(ctx, out, { ratePerSecond: rate, trigger: 'admin' }, 'rebuild-all');
  },
};
