import { loadConfig } from '../../config/index.js';
import { up } from '../../stack/stack.js';

/**
 * Brings the real local stack up once per test run when it is not running, and leaves it up so the
 * next run starts in seconds. Tests isolate themselves by unique ids, topics and task queues.
 */
export default async function setup(): Promise<void> {
  const t0 = Date.now();
  try {
    await up(loadConfig(), (line) => process.stderr.write(`[stack] ${line}\n`));
  } catch (error) {
    // vitest reports a failed global setup only vaguely; say plainly which engine failed and why.
    process.stderr.write(
      `[stack] the local stack could not be brought up:\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    throw error;
  }
  process.stderr.write(`[stack] ready for tests after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
