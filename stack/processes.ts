import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Background processes of the local stack, tracked by pid files. A pid file is trusted only while that
 * pid is alive AND its command line still names our marker (the engine's data folder), so a stale file
 * left by a crash or a reboot, whose pid now belongs to something else, never confuses `up` or `down`.
 */
export interface ManagedProcess {
  readonly name: string;
  readonly pidFile: string;
  readonly logFile: string;
  /** Strings of which one appears in the process's command line, e.g. its data folder. */
  readonly marker: string | readonly string[];
  /** The signal that stops it promptly (default SIGTERM; PostgreSQL waits for its clients on SIGTERM). */
  readonly stopSignal?: NodeJS.Signals;
}

export function runningPid(proc: ManagedProcess): number | undefined {
  if (!existsSync(proc.pidFile)) return undefined;
  const pid = Number(readFileSync(proc.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    const markers = typeof proc.marker === 'string' ? [proc.marker] : proc.marker;
    return markers.some((m) => cmdline.includes(m)) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function startDetached(
  proc: ManagedProcess,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): number {
  mkdirSync(dirname(proc.logFile), { recursive: true });
  mkdirSync(dirname(proc.pidFile), { recursive: true });
  const out = openSync(proc.logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...env } });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`${proc.name}: could not start ${command}`);
  child.unref();
  writeFileSync(proc.pidFile, String(child.pid));
  return child.pid;
}

/** Its stop signal (SIGTERM), then SIGKILL after the grace period; removes the pid file. */
export async function stopProcess(
  proc: ManagedProcess,
  graceMs = 30_000,
): Promise<'stopped' | 'killed' | 'not running'> {
  const pid = runningPid(proc);
  rmSync(proc.pidFile, { force: true });
  if (pid === undefined) return 'not running';
  signal(pid, proc.stopSignal ?? 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return 'stopped';
    await sleep(200);
  }
  signal(pid, 'SIGKILL');
  return 'killed';
}

/** The process is running (a zombie counts as gone); unlike runningPid, whatever its command line says. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is dead for our purposes.
    return !/^\d+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    // Detached children lead their own process group: signal the group so helpers go too.
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

export function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}
