import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { bootstrapSteps } from './bootstrap.js';
import { applyTemporalSchema } from './temporal-server.js';

/**
 * One schema step of a deployment, run by its one-shot init service in docker-compose.yml once the
 * engine is healthy: `node dist/stack/init.js temporal-schema|cassandra|kafka|temporal|analytics`. It is
 * the function `npm run stack:up` runs on every local start, idempotent like it: 'temporal-schema'
 * before the production profile's Temporal server starts, the others once every engine answers. Exit 0
 * when done or already done, 1 when the engine refused or the deadline passed (compose restarts the
 * service a bounded number of times), 2 for a wrong call or configuration.
 */

/** Each step's own clients have timeouts; this bounds the whole step, whatever hangs. */
const DEADLINE_MS = 5 * 60_000;

const initSteps = {
  'temporal-schema': applyTemporalSchema,
  ...bootstrapSteps,
} satisfies Record<string, (config: Config) => Promise<string>>;

const isStep = (name: string | undefined): name is keyof typeof initSteps => name !== undefined && name in initSteps;

async function main(step: string | undefined): Promise<number> {
  if (!isStep(step)) {
    process.stderr.write(`usage: init ${Object.keys(initSteps).join('|')}\n`);
    return 2;
  }
  const config = loadConfig();
  const deadline = setTimeout(() => {
    process.stderr.write(`${step}: not done within ${DEADLINE_MS / 1000} s\n`);
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();
  process.stdout.write(`${step}: ${await initSteps[step](config)}\n`);
  return 0;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
