#!/usr/bin/env -S node --import tsx
import { ConfigError, loadConfig } from '../config/index.js';
import { isEntryPoint } from '../config/entry-point.js';
import { Command, CommanderError } from 'commander';
import { UsageError, type OpsCommand, type OpsInput } from './ops/command.js';
import { analyticsBackfill } from './ops/commands/analytics-backfill.js';
import { erase } from './ops/commands/erase.js';
import { failed, replayFailed } from './ops/commands/failed.js';
import { history } from './ops/commands/history.js';
import { rebuild, rebuildAll } from './ops/commands/rebuild.js';
import { replayEvents } from './ops/commands/replay-events.js';
import { status } from './ops/commands/status.js';
import { trace } from './ops/commands/trace.js';
import { unsettled } from './ops/commands/unsettled.js';
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
  unsettled,
  replayEvents,
  erase,
  history,
  trace,
  analyticsBackfill,
];

/** Runs one ops command; returns the exit code (0 ok, 1 something failed, 2 usage error). */
export async function runOps(
  argv: string[],
  out: Output,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  let code = 0;
  const program = new Command('ops')
    .usage('<command> [options]')
    .description('Operations on the dashboard platform: `npm run ops -- <command>`; each command has --help.')
    // Settings subcommands inherit: errors and help go to `out`, and nothing calls process.exit.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.line(text.trimEnd()),
      writeErr: (text) => out.error(text.trimEnd()),
    })
    .showHelpAfterError();
  for (const command of commands) {
    const sub = program
      .command(command.name)
      .summary(command.summary)
      // Paragraphs, which commander wraps to the terminal's width.
      .description(`${command.summary}\n\n${command.description.replace(/(?<!\n)\n(?!\n)/g, ' ')}`)
      .addHelpText('after', `\nexample: ${command.example}`);
    for (const argument of command.arguments ?? []) sub.argument(argument);
    for (const option of command.options ?? []) sub.option(option.flags, option.description, option.default);
    sub.action(async () => {
      code = await execute(command, { args: sub.args, opts: sub.opts() }, sub, out, env);
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // Help asked for exits 0; anything commander refused (no or unknown command, a missing argument,
    // an unknown option) is a usage error, whose message and help it has written.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return code;
}

async function execute(
  command: OpsCommand,
  input: OpsInput,
  sub: Command,
  out: Output,
  env: Record<string, string | undefined>,
): Promise<number> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    out.error(error instanceof ConfigError ? error.message : String(error));
    return 2;
  }
  const ctx = createOpsContext(config);
  try {
    return await command.run(input, ctx, out);
  } catch (error) {
    if (error instanceof UsageError) {
      out.error(`${command.name}: ${error.message}\n`);
      sub.outputHelp({ error: true });
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
