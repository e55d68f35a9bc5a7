import { setTimeout as sleep } from 'node:timers/promises';
import { taskQueues, type Config } from '../../config/index.js';
import type { BenchPlatform } from './platform.js';
import { openRuns } from './temporal-history.js';

/** Messages the bench's bridge has yet to consume, summed over its topics (from its /metrics). */
export async function bridgeLag(config: Config): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${config.BRIDGE_PORT}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('bridge_consumer_lag{'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/**
 * Waits (at most `maxMs`) until the bridge has consumed everything and no rebuild is open on the
 * bench's task queues, so one scenario's backlog is not the next one's load. False when it never was.
 */
export async function waitForQuiet(
  platform: BenchPlatform,
  maxMs: number,
  log?: (line: string) => void,
): Promise<boolean> {
  const queues = Object.values(taskQueues(platform.config));
  const deadline = performance.now() + maxMs;
  let lag = 0;
  let open = 0;
  while (performance.now() < deadline) {
    lag = await bridgeLag(platform.config);
    open = await openRuns(platform.temporal, queues);
    if (lag === 0 && open === 0) return true;
    await sleep(500);
  }
  log?.(
    `!! still busy after ${Math.round(maxMs / 1000)} s (bridge lag ${lag}, ${open} open workflows); going on beside it`,
  );
  return false;
}
