import { loadConfig } from '../../config/index.js';
import { up } from '../../stack/stack.js';

/**
 * Brings the real local stack up once per test run when it is not running, and leaves it up so the
 * next run starts in seconds. Tests isolate themselves by unique ids, topics and task queues.
 */
export default async function setup(): Promise<void> {
  const t0 = Date.now();
  await up(loadConfig(), (line) => process.stderr.write(`[stack] ${line}\n`));
  process.stderr.write(`[stack] ready for tests after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
