import { ConfigError, loadConfig } from '../config/index.js';
import { bootstrapSteps, type BootstrapStep } from './bootstrap.js';

/**
 * One schema step of a deployment, run by its one-shot init service in docker-compose.yml once the
 * engine is healthy: `node dist/stack/init.js cassandra|kafka|temporal|analytics`. It is the function
 * `npm run stack:up` runs on every local start, idempotent like it. Exit 0 when done or already done,
 * 1 when the engine refused or the deadline passed (compose restarts the service a bounded number of
 * times), 2 for a wrong call or configuration.
 */

/** Each step's own clients have timeouts; this bounds the whole step, whatever hangs. */
const DEADLINE_MS = 5 * 60_000;

const isStep = (name: string | undefined): name is BootstrapStep => name !== undefined && name in bootstrapSteps;

async function main(step: string | undefined): Promise<number> {
  if (!isStep(step)) {
    process.stderr.write(`usage: init ${Object.keys(bootstrapSteps).join('|')}\n`);
    return 2;
  }
  const config = loadConfig();
  const deadline = setTimeout(() => {
    process.stderr.write(`${step}: not done within ${DEADLINE_MS / 1000} s\n`);
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();
  process.stdout.write(`${step}: ${await bootstrapSteps[step](config)}\n`);
  return 0;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
