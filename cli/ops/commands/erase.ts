import { parseArgs } from 'node:util';
import { Id } from '../../../dashboard/index.js';
import { UsageError, type OpsCommand } from '../command.js';

export const erase: OpsCommand = {
  name: 'erase',
  summary: 'erase a user’s personal data held by the platform, and print a receipt',
  help: `usage: ops erase <userId> [--yes]

Runs the eraseUser workflow: stops the user's running rebuild, then deletes their preferences and
preference history, dashboard view, last-known domain snapshots and cached renders. Prints a receipt
(JSON) of what was deleted. The domain services keep their own data. Asks for --yes.

example: npm run ops -- erase u-42 --yes`,
  async run(args, ctx, out) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { yes: { type: 'boolean', default: false } },
    });
    const userId = Id.safeParse(positionals[0]);
    if (!userId.success || positionals.length !== 1) throw new UsageError('give exactly one valid user id');
    if (!values.yes) throw new UsageError(`erasing ${userId.data} cannot be undone: add --yes`);
    const { workflows } = await ctx.temporal();
    const receipt = await workflows.eraseUser(userId.data, 120_000);
    out.line(JSON.stringify(receipt, null, 2));
    return 0;
  },
};
