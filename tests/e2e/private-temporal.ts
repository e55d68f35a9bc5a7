import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Config } from '../../config/index.js';
import { stackPaths } from '../../stack/engine.js';
import { freePort } from '../support/free-port.js';

/**
 * A Temporal dev server of this test's own, so the test can stop and restart it without disturbing the
 * shared one other test files use. Its SQLite file outlives a restart, as a real server's store would.
 */
export interface PrivateTemporal {
  readonly address: string;
  /** Stops the server (SIGTERM, SIGKILL after 20 s); its state stays in the database file. */
  stop(): Promise<void>;
  /** Starts it again on the same port and database file and waits until it answers. */
  start(): Promise<void>;
  /** Stops it and deletes its database. */
  dispose(): Promise<void>;
}

const namespaceSpec = JSON.parse(
  readFileSync(new URL('../../temporal-config/namespace.json', import.meta.url), 'utf8'),
) as { searchAttributes: Record<string, string> };

export async function startPrivateTemporal(config: Config): Promise<PrivateTemporal> {
  const dir = await mkdtemp(join(tmpdir(), 'private-temporal-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--headless',
    '--db-filename',
    join(dir, 'temporal.db'),
    '--namespace',
    config.TEMPORAL_NAMESPACE,
    // The same search attributes as the shared server's bootstrap registers.
    ...Object.entries(namespaceSpec.searchAttributes).flatMap(([name, type]) => [
      '--search-attribute',
      `${name}=${type}`,
    ]),
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead=true',
    '--log-level',
    'error',
  ];
  let child: ChildProcess | undefined;
  let output = '';

  const waitUntilAnswering = async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child?.exitCode !== null) throw new Error(`private Temporal exited during start-up:\n${output.slice(-2000)}`);
      try {
        const connection = await Connection.connect({ address, connectTimeout: 1_000 });
        try {
          await connection.withDeadline(Date.now() + 2_000, () =>
            connection.workflowService.describeNamespace({ namespace: config.TEMPORAL_NAMESPACE }),
          );
          return;
        } finally {
          await connection.close();
        }
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`private Temporal did not answer within 60 s: ${String(error)}\n${output.slice(-2000)}`);
        await sleep(300);
      }
    }
  };

  const start = async () => {
    output = '';
    child = spawn(join(stackPaths(config).bin, 'temporal'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntilAnswering();
  };

  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    address,
    start,
    stop,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
