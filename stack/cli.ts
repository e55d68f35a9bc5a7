import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { down, status, up } from './stack.js';

/**
 * `npm run stack:up | stack:down | stack:status`: the local engines as background processes.
 * `npm run stack:up -- --profile production` runs Temporal's own server on Cassandra instead of the dev
 * server (the same as STACK_PROFILE=production); later commands keep to the profile the stack runs.
 */

const log = (line: string) => process.stdout.write(`[stack] ${line}\n`);

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { profile: { type: 'string' } },
  });
  const command = positionals[0];
  const config = loadConfig(
    values.profile === undefined ? process.env : { ...process.env, STACK_PROFILE: values.profile },
  );
  switch (command) {
    case 'up':
      await up(config, log);
      log('every engine is up');
      return printStatus(config);
    case 'down':
      await down(config, log);
      return 0;
    case 'status':
      return printStatus(config);
    default:
      process.stderr.write('usage: tsx stack/cli.ts up [--profile development|production] | down | status\n');
      return 2;
  }
}

async function printStatus(config: ReturnType<typeof loadConfig>): Promise<number> {
  const rows = await status(config);
  for (const row of rows) {
    log(
      `${row.name.padEnd(10)} ${row.state.padEnd(9)} port ${String(row.port).padEnd(6)} pid ${String(row.pid ?? '-').padEnd(8)} ${row.state === 'up' || row.state === 'external' ? '' : row.detail}`,
    );
  }
  log(`Temporal UI: http://${config.STACK_HOST}:${config.TEMPORAL_UI_PORT}`);
  log(`trace viewer: ${config.TRACE_VIEWER_URL}`);
  return rows.every((r) => r.state === 'up' || r.state === 'external') ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `[stack] ${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
