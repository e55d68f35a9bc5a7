#!/usr/bin/env -S node --import tsx
import { ConfigError, loadConfig } from '../config/index.js';
import { isEntryPoint } from '../config/entry-point.js';
import { UsageError, type OpsCommand } from './ops/command.js';
import { analyticsBackfill } from './ops/commands/analytics-backfill.js';
import { erase } from './ops/commands/erase.js';
import { failed, replayFailed } from './ops/commands/failed.js';
import { history } from './ops/commands/history.js';
import { rebuild, rebuildAll } from './ops/commands/rebuild.js';
import { replayEvents } from './ops/commands/replay-events.js';
import { status } from './ops/commands/status.js';
import { trace } from './ops/commands/trace.js';
import { view } from './ops/commands/view.js';
import { createOpsContext } from './ops/context.js';
import { terminalOutput, type Output } from './ops/output.js';

export const commands: readonly OpsCommand[] = [
  status,
  view,
  rebuild,
  rebuildAll,
  failed,
  replayFailed,
  replayEvents,
  erase,
  history,
  trace,
  analyticsBackfill,
];

function overview(): string {
  return [
    'usage: npm run ops -- <command> [options]     (each command has --help)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(15)} ${c.summary}`),
  ].join('\n');
}

/** Runs one ops command; returns the exit code (0 ok, 1 something failed, 2 usage error). */
export async function runOps(
  argv: string[],
  out: Output,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.line(overview());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    out.error(`unknown command ${name}\n\n${overview()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    out.line(command.help);
    return 0;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    out.error(error instanceof ConfigError ? error.message : String(error));
    return 2;
  }
  const ctx = createOpsContext(config);
  try {
    return await command.run(args, ctx, out);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      out.error(`${command.name}: ${error.message}\n\n${command.help}`);
      return 2;
    }
    out.error(`${command.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await ctx.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  runOps(process.argv.slice(2), terminalOutput()).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
