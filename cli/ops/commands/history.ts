import { UsageError, flagOption, textOption, userIdArgument, type OpsCommand } from '../command.js';

export const history: OpsCommand = {
  name: 'history',
  summary: 'print a user’s preference audit trail, newest first',
  arguments: ['<userId>'],
  options: [
    { flags: '--limit <n>', description: 'versions shown at most', default: '1000' },
    { flags: '--json', description: 'print the full documents' },
  ],
  description: `Prints every recorded preference version of the user, newest first: version, when, the request that
made it, layout and per-section order/hidden/pinned. --json prints the full documents.`,
  example: 'npm run ops -- history u-42 --limit 10',
  async run({ args, opts }, ctx, out) {
    const userId = userIdArgument(args);
    const limit = Number(textOption(opts, 'limit'));
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
    const { preferences } = await ctx.stores();
    let cursor: string | undefined;
    let shown = 0;
    do {
      const page = await preferences.history(userId, Math.min(100, limit - shown), cursor);
      for (const entry of page.entries) {
        if (flagOption(opts, 'json')) {
          out.line(JSON.stringify(entry));
        } else {
          const s = entry.preferences.sections;
          const section = (name: keyof typeof s) =>
            `${name}: ${s[name].sort} [${s[name].order.join(',')}] hidden [${s[name].hidden.join(',')}] pinned [${s[name].pinned.join(',')}]`;
          out.line(
            `v${entry.version}  ${entry.changedAt}  request ${entry.requestKey}  layout ${entry.preferences.layout}`,
          );
          out.line(`    ${section('accounts')}`);
          out.line(`    ${section('partners')}`);
          out.line(`    ${section('widgets')}`);
        }
      }
      shown += page.entries.length;
      cursor = page.nextCursor;
    } while (cursor && shown < limit);
    if (shown === 0) out.line(`no preference history for ${userId} (never changed, or erased)`);
    return 0;
  },
};
