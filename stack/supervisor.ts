import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs the platform's processes as children of `npm start`, as an orchestrator would: every output
 * line prefixed with the process's name, a process that exits on its own restarted after a backoff
 * (one crash never stops the rest), and stop() ending them all gracefully (SIGTERM, then SIGKILL after
 * a grace period). Each child leads a process group of its own, so a Ctrl-C in the terminal reaches
 * only the supervisor, which then signals each child exactly once: a second signal would cut a
 * graceful shutdown short (the Temporal worker takes it as "force quit").
 */
export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Answers 2xx when the process is ready. */
  readonly healthUrl?: string;
}

export interface ProcessExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Supervisor {
  /**
   * Resolves once every process is ready (running, and its health URL, if any, answers 2xx);
   * rejects at the deadline naming the processes that are not, with their restarts.
   */
  waitHealthy(deadlineMs: number): Promise<void>;
  /** How often each process was restarted. */
  restarts(): Record<string, number>;
  /** The pid of the process's current run (undefined while it waits to be restarted). */
  pid(name: string): number | undefined;
  /** Stops every process (and every pending restart); resolves with how each one ended. */
  stop(graceMs?: number): Promise<ProcessExit[]>;
}

export interface RestartPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A process that ran this long before exiting starts again from the initial delay. */
  readonly resetAfterMs: number;
}

export interface SupervisorOptions {
  /** Where prefixed lines go (stdout of npm start). */
  readonly write: (line: string) => void;
  readonly colour?: boolean;
  readonly restart?: RestartPolicy;
}

const DEFAULT_RESTART: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, resetAfterMs: 60_000 };
const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95];

export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

interface Running {
  child: ChildProcess;
  exited: Promise<ProcessExit>;
  restarts: number;
  restartTimer?: NodeJS.Timeout;
}

export function supervise(specs: readonly ProcessSpec[], options: SupervisorOptions): Supervisor {
  const policy = options.restart ?? DEFAULT_RESTART;
  const width = Math.max(...specs.map((s) => s.name.length));
  const running = new Map<string, Running>();
  let stopping = false;

  const start = (spec: ProcessSpec, prefix: string, restarts: number, delayMs: number): void => {
    const startedAt = Date.now();
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('error', (error) => {
        options.write(`${prefix}could not start: ${error.message}`);
        resolve({ name: spec.name, code: null, signal: null });
      });
      child.once('exit', (code, signal) => resolve({ name: spec.name, code, signal }));
    });
    const state: Running = { child, exited, restarts };
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        options.write(`${prefix}${line}`);
      });
    }
    running.set(spec.name, state);
    void exited.then((exit) => {
      if (stopping) return;
      const delay = Date.now() - startedAt >= policy.resetAfterMs ? policy.initialDelayMs : delayMs;
      options.write(
        `${prefix}${describeExit(exit)}; restarting in ${(delay / 1000).toFixed(1)} s (restart ${restarts + 1})`,
      );
      state.restartTimer = setTimeout(
        () => start(spec, prefix, restarts + 1, Math.min(delay * 2, policy.maxDelayMs)),
        delay,
      );
    });
  };

  specs.forEach((spec, index) => {
    const label = spec.name.padEnd(width);
    const prefix = options.colour ? `\u001b[${COLOURS[index % COLOURS.length]}m${label} |\u001b[0m ` : `${label} | `;
    start(spec, prefix, 0, policy.initialDelayMs);
  });
  // Detached children would outlive a supervisor that dies without stopping them (an uncaught error).
  const killLeftovers = () => {
    for (const { child } of running.values())
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killLeftovers);

  const isReady = async (spec: ProcessSpec): Promise<boolean> => {
    const state = running.get(spec.name);
    if (!state || state.child.exitCode !== null || state.child.signalCode !== null) return false;
    if (!spec.healthUrl) return true;
    return fetch(spec.healthUrl, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
  };

  return {
    async waitHealthy(deadlineMs) {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const waiting = (await Promise.all(specs.map(async (spec) => ((await isReady(spec)) ? [] : [spec])))).flat();
        if (waiting.length === 0) return;
        if (Date.now() > deadline) {
          const named = waiting.map(
            (s) =>
              `${s.name}${s.healthUrl ? ` (${s.healthUrl})` : ''}${running.get(s.name)?.restarts ? `, restarted ${running.get(s.name)?.restarts} times` : ''}`,
          );
          throw new Error(`not ready within ${Math.round(deadlineMs / 1000)} s: ${named.join('; ')}`);
        }
        await sleep(500);
      }
    },

    restarts: () => Object.fromEntries([...running].map(([name, state]) => [name, state.restarts])),

    pid(name) {
      const child = running.get(name)?.child;
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },

    async stop(graceMs = 15_000) {
      stopping = true;
      const exits = await Promise.all(
        [...running.values()].map(async ({ child, exited, restartTimer }) => {
          clearTimeout(restartTimer);
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const exit = await exited;
          clearTimeout(timer);
          return exit;
        }),
      );
      process.off('exit', killLeftovers);
      return exits;
    },
  };
}
