import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs the platform's processes as children of `npm start`: every output line prefixed with the
 * process's name, an unexpected exit of one stops the rest, and stop() ends them all gracefully
 * (SIGTERM, then SIGKILL after a grace period). Each child leads a process group of its own, so a
 * Ctrl-C in the terminal reaches only the supervisor, which then signals each child exactly once: a
 * second signal would cut a graceful shutdown short (the Temporal worker takes it as "force quit").
 */
export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Answers 2xx when the process is ready; processes without one count as ready once started. */
  readonly healthUrl?: string;
}

export interface ProcessExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Supervisor {
  /** Resolves once every health URL answers 2xx; rejects naming the processes that did not, or that exited. */
  waitHealthy(deadlineMs: number): Promise<void>;
  /** The first process that exited on its own (not because we stopped it). */
  readonly unexpectedExit: Promise<ProcessExit>;
  /** Stops every process still running; resolves with how each one ended. */
  stop(graceMs?: number): Promise<ProcessExit[]>;
}

export interface SupervisorOptions {
  /** Where prefixed lines go (stdout of npm start). */
  readonly write: (line: string) => void;
  readonly colour?: boolean;
}

const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95];

export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

export function supervise(specs: readonly ProcessSpec[], options: SupervisorOptions): Supervisor {
  const width = Math.max(...specs.map((s) => s.name.length));
  const children = new Map<string, { child: ChildProcess; exited: Promise<ProcessExit> }>();
  let stopping = false;
  let reportExit: (exit: ProcessExit) => void = () => {};
  const unexpectedExit = new Promise<ProcessExit>((resolve) => {
    reportExit = resolve;
  });

  specs.forEach((spec, index) => {
    const label = spec.name.padEnd(width);
    const prefix = options.colour ? `\u001b[${COLOURS[index % COLOURS.length]}m${label} |\u001b[0m ` : `${label} | `;
    const child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => options.write(`${prefix}${line}`));
    }
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('error', (error) => {
        options.write(`${prefix}could not start: ${error.message}`);
        resolve({ name: spec.name, code: null, signal: null });
      });
      child.once('exit', (code, signal) => resolve({ name: spec.name, code, signal }));
    });
    children.set(spec.name, { child, exited });
    void exited.then((exit) => {
      if (!stopping) reportExit(exit);
    });
  });
  // Detached children would outlive a supervisor that dies without stopping them (an uncaught error).
  const killLeftovers = () => {
    for (const { child } of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killLeftovers);

  return {
    unexpectedExit,

    async waitHealthy(deadlineMs) {
      const deadline = Date.now() + deadlineMs;
      const pending = new Set(specs.filter((s) => s.healthUrl));
      const gone = new Set<string>();
      for (const { exited } of children.values()) void exited.then((exit) => gone.add(exit.name));
      while (pending.size > 0) {
        const dead = [...pending].filter((s) => gone.has(s.name));
        if (dead.length > 0) throw new Error(`${dead.map((s) => s.name).join(', ')} exited before answering its health check`);
        if (Date.now() > deadline) throw new Error(`not healthy within ${Math.round(deadlineMs / 1000)} s: ${[...pending].map((s) => `${s.name} (${s.healthUrl})`).join(', ')}`);
        await Promise.all(
          [...pending].map(async (spec) => {
            const ok = await fetch(spec.healthUrl ?? '', { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
            if (ok) pending.delete(spec);
          }),
        );
        if (pending.size > 0) await sleep(500);
      }
    },

    async stop(graceMs = 15_000) {
      stopping = true;
      const exits = await Promise.all(
        [...children.values()].map(async ({ child, exited }) => {
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
