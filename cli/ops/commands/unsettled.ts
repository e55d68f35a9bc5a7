import { listUnsettledBuilds } from '../../../adapters/temporal/workflow-inspection.js';
import { textOption, type OpsCommand } from '../command.js';

export const unsettled: OpsCommand = {
  name: 'unsettled',
  summary: 'list users whose dashboard a rebuild is still finishing, and what is left',
  options: [{ flags: '--task-queue <name>', description: "only runs of this task queue (default: the platform's)" }],
  description: `Lists the users whose last build fell short and is being tried again until it settles: "sources" (a
source answered only with its last-known snapshot, shown stale), "cache" or "announcement" (Redis or
Kafka away after the view was stored), "build" (the build failed for a reason that passes, such as
Cassandra away). They are not failed, so \`failed\` does not list them; their retries back off to one
every 20 s, for a day at most. One line per user with since when, the retries and the workflow.
Exits 1 when there are any.`,
  example: 'npm run ops -- unsettled',
  async run({ opts }, ctx, out) {
    const { client } = await ctx.temporal();
    const rows = await listUnsettledBuilds(client, textOption(opts, 'taskQueue'));
    for (const row of rows)
      out.line(
        `${row.since}  ${String(row.retries).padStart(3)} retries  ${row.userId.padEnd(20)} ${row.what.join(', ').padEnd(24)} ${row.workflowId}`,
      );
    out.line(`${rows.length} user${rows.length === 1 ? '' : 's'} with unsettled dashboards`);
    return rows.length > 0 ? 1 : 0;
  },
};
