import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  rebuildManyProgressQuery,
  type RebuildManyInput,
  type RebuildManyProgress,
} from '../../../contract/workflows.js';
import type { OpsContext } from '../context.js';
import type { Output } from '../output.js';

/**
 * Starts a rebuildMany workflow and follows its progress query with a progress bar until it is done,
 * then prints a summary. Exit code 1 when any user failed.
 */
export async function runAndFollow(
  ctx: OpsContext,
  out: Output,
  input: RebuildManyInput,
  label: string,
): Promise<number> {
  const { client, workflows } = await ctx.temporal();
  const workflowId = `rebuild-many:${input.trigger}:${new Date().toISOString()}:${randomUUID().slice(0, 8)}`;
  await workflows.startRebuildMany(workflowId, input);
  out.line(`started ${workflowId} (follow it in the Temporal UI too)`);
  const handle = client.workflow.getHandle(workflowId);
  const bar = out.progress(label, input.userIds?.length ?? 0);
  let progress: RebuildManyProgress | undefined;
  // The result settles it; the query only feeds the bar meanwhile.
  const result = handle.result() as Promise<RebuildManyProgress>;
  let finished = false;
  void result.finally(() => (finished = true)).catch(() => undefined);
  while (!finished) {
    progress = await handle.query(rebuildManyProgressQuery).catch(() => progress);
    if (progress) bar.update(progress.succeeded + progress.failed, progress.failed ? `${progress.failed} failed` : '');
    await Promise.race([sleep(1_000), result.catch(() => undefined)]);
  }
  progress = await result;
  bar.update(progress.succeeded + progress.failed);
  bar.stop();
  out.line(
    `${label}: ${progress.succeeded} rebuilt, ${progress.failed} failed, of ${progress.total ?? progress.nextIndex}`,
  );
  for (const failure of progress.failures) out.line(`  failed ${failure.userId}: ${failure.reason}`);
  return progress.failed > 0 ? 1 : 0;
}
