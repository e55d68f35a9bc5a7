import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/index.js';
import { bootstrapSteps } from './bootstrap.js';
import { profileFile, recordedProfile, stackProfile, type Engine } from './engine.js';
import { engines } from './engines.js';
import { alive, logTail, runningPid, startDetached, stopProcess } from './processes.js';

export type Log = (line: string) => void;

export interface EngineStatus {
  readonly name: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** 'up' = a real client got an answer; 'external' = answering, but not started by this stack. */
  readonly state: 'up' | 'external' | 'starting' | 'down';
  readonly detail: string;
  readonly logFile: string;
}

export class EngineFailedError extends Error {
  override readonly name = 'EngineFailedError';
}

async function probe(engine: Engine): Promise<string | undefined> {
  try {
    await engine.probe();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function status(config: Config): Promise<EngineStatus[]> {
  return Promise.all(
    engines(config).map(async (engine): Promise<EngineStatus> => {
      const pid = runningPid(engine);
      const failure = await probe(engine);
      const state = failure === undefined ? (pid ? 'up' : 'external') : pid ? 'starting' : 'down';
      return {
        name: engine.name,
        port: engine.port,
        pid,
        state,
        detail: failure ?? 'answering',
        logFile: engine.logFile,
      };
    }),
  );
}

/**
 * Waits until the engine answers, or its process (pid) is gone. Gone means not alive rather than no
 * longer matched by runningPid: while setpriv execs the PostgreSQL server, its command line can read
 * empty for an instant, and a probe that fell into it once reported a starting server as exited.
 */
async function waitReady(engine: Engine, pid: number): Promise<void> {
  const deadline = Date.now() + engine.readyDeadlineSeconds * 1000;
  let lastFailure = '';
  while (Date.now() < deadline) {
    const failure = await probe(engine);
    if (failure === undefined) return;
    lastFailure = failure;
    if (!alive(pid)) {
      throw new EngineFailedError(
        `${engine.name} exited during start-up. Last lines of ${engine.logFile}:\n${logTail(engine.logFile)}`,
      );
    }
    await sleep(1000);
  }
  throw new EngineFailedError(
    `${engine.name} did not become ready within ${engine.readyDeadlineSeconds} s (last probe: ${lastFailure}). Last lines of ${engine.logFile}:\n${logTail(engine.logFile)}`,
  );
}

/** Starts one engine unless it answers already, and waits until it does. */
export async function startEngine(engine: Engine, log: Log = () => {}): Promise<void> {
  const t0 = Date.now();
  if ((await probe(engine)) === undefined) {
    log(`${engine.name}: already up on port ${engine.port}${runningPid(engine) ? '' : ' (not started by this stack)'}`);
    return;
  }
  let pid = runningPid(engine);
  if (pid === undefined) {
    await engine.prepare();
    const { command, args, env } = engine.command();
    pid = startDetached(engine, command, args, env);
    log(`${engine.name}: started (pid ${pid}), waiting for it to answer on port ${engine.port}`);
  } else {
    log(`${engine.name}: running, waiting for it to answer on port ${engine.port}`);
  }
  await waitReady(engine, pid);
  log(`${engine.name}: ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Starts whatever is not running, waits for each engine's real readiness, then bootstraps the schema.
 * Already up: a no-op apart from the (idempotent) bootstrap check.
 */
export async function up(config: Config, log: Log = () => {}): Promise<void> {
  const profile = stackProfile(config);
  const running = recordedProfile(config);
  if (running !== undefined && running !== profile) {
    throw new EngineFailedError(
      `the stack was started with the ${running} profile; stop it (npm run stack:down) before starting the ${profile} one`,
    );
  }
  mkdirSync(dirname(profileFile(config)), { recursive: true });
  writeFileSync(profileFile(config), profile);
  if (profile !== 'development') log(`profile: ${profile}`);
  const all = engines(config);
  const ready = new Map<string, Promise<void>>();
  const start = async (engine: Engine) => {
    // An engine that needs others (a Temporal server needs its stores) waits until they answer.
    for (const name of engine.needs ?? []) {
      await readyOf(name).catch(() => {
        throw new EngineFailedError(`${engine.name}: not started, because ${name} is not ready`);
      });
    }
    await startEngine(engine, log);
  };
  const readyOf = (name: string): Promise<void> => {
    let promise = ready.get(name);
    if (promise === undefined) {
      const engine = all.find((e) => e.name === name);
      if (engine === undefined) throw new Error(`no engine named ${name} in this stack`);
      promise = start(engine);
      ready.set(name, promise);
    }
    return promise;
  };
  const results = await Promise.allSettled(all.map((engine) => readyOf(engine.name)));
  // Every engine gets its chance to start, so the report names every failure, not just the first.
  const failures = results.flatMap((r) =>
    r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : [],
  );
  if (failures.length > 0) throw new EngineFailedError(failures.join('\n\n'));
  for (const [step, run] of Object.entries(bootstrapSteps)) log(`${step}: ${await run(config)}`);
}

export async function down(config: Config, log: Log = () => {}): Promise<void> {
  await Promise.all(
    engines(config).map(async (engine) => {
      const result = await stopProcess(engine);
      log(`${engine.name}: ${result}`);
    }),
  );
  rmSync(profileFile(config), { force: true });
}
