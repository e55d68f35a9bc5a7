import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { TestDomainServer } from './domain-server.js';
import { freePort } from './free-port.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Every line it wrote, stdout and stderr. */
  readonly lines: string[];
  /** Its /metrics and /healthz. */
  readonly url: string;
  /** Its Temporal identity, as the histories it worked on record it (the SDK's `pid@host`). */
  readonly pid: number;
  /** SIGKILLs it unless it has exited. */
  kill(): Promise<void>;
}

/**
 * The worker as `npm start` and the deployment run it (`workers/worker.ts` in its own process),
 * against the real engines and a stand-in for the domain services. `env` names its task queue and
 * whatever else a test sets; resolves once it polls (bundling the workflow code takes a while).
 */
export async function startWorkerProcess(
  domain: TestDomainServer,
  env: Record<string, string>,
): Promise<WorkerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/worker.ts'], {
    cwd: root,
    env: {
      ...process.env,
      WORKER_PORT: String(port),
      WORKER_SDK_METRICS_PORT: String(await freePort()),
      ACCOUNTS_URL: domain.baseUrls.accounts,
      PARTNERS_URL: domain.baseUrls.partners,
      OFFERS_URL: domain.baseUrls.offers,
      TRANSACTIONS_URL: domain.baseUrls.transactions,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    if (stream) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  const url = `http://127.0.0.1:${port}`;
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  };
  // A worker that exits early fails at once, with what it wrote.
  const deadline = Date.now() + 120_000;
  while (
    (await fetch(`${url}/healthz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await kill();
      throw new Error(`worker not ready:\n${lines.join('\n')}`);
    }
    await sleep(250);
  }
  return { child, lines, url, pid: child.pid ?? 0, kill };
}
