import { keyCopiesLastMs, userKeyCacheOptions } from '../../../adapters/cassandra/user-key-store.js';
import { UsageError, flagOption, userIdArgument, type OpsCommand } from '../command.js';

export const erase: OpsCommand = {
  name: 'erase',
  summary: 'erase a user’s personal data held by the platform, and print a receipt',
  arguments: ['<userId>'],
  options: [{ flags: '--yes', description: 'erase: it cannot be undone' }],
  description: `Runs the eraseUser workflow: stops the user's running rebuild, then deletes their preferences and
preference history, dashboard view, last-known domain snapshots and cached renders. Prints a receipt
(JSON) of what was deleted. The domain services keep their own data. Asks for --yes.`,
  example: 'npm run ops -- erase u-42 --yes',
  async run({ args, opts }, ctx, out) {
    const userId = userIdArgument(args);
    if (!flagOption(opts, 'yes')) throw new UsageError(`erasing ${userId} cannot be undone: add --yes`);
    const { workflows } = await ctx.temporal();
    const waitMs = keyCopiesLastMs(userKeyCacheOptions(ctx.config));
    out.error(
      `erasing ${userId}: the receipt follows in about ${Math.ceil(waitMs / 1000)} s, once no process can use their key`,
    );
    const receipt = await workflows.eraseUser(userId, { keyCopiesLastMs: waitMs, timeoutMs: 120_000 });
    out.line(JSON.stringify(receipt, null, 2));
    return 0;
  },
};
