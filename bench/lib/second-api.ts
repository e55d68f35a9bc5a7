import { supervise } from '../../stack/supervisor.js';
import { platformProcesses } from '../../stack/platform-processes.js';
import type { BenchPlatform } from './platform.js';

/**
 * Another API process beside the platform's, with settings of its own (e.g. an optional feature off),
 * so the two can be measured in turns within one run.
 */
export async function startSecondApi(
  platform: BenchPlatform,
  port: number,
  env: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  // Run as the platform's own processes are (bench/lib/platform.ts).
  const api = platformProcesses(platform.config, {}, { compiled: true }).find((spec) => spec.name === 'api');
  if (api === undefined) throw new Error('the platform has no api process');
  const supervisor = supervise(
    [
      {
        ...api,
        name: 'api-2',
        env: { ...platform.env, ...env, API_PORT: String(port) },
        healthUrl: `http://127.0.0.1:${port}/healthz`,
      },
    ],
    { write: () => undefined },
  );
  await supervisor.waitHealthy(60_000);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await supervisor.stop(10_000);
    },
  };
}
