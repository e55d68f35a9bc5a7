import { readdirSync, readFileSync } from 'node:fs';

/**
 * A benchmark process found in /proc by its entry file and one of its environment settings (two API
 * processes share an entry; their ports tell them apart).
 */
export function findPid(entry: string, envSetting: string): number | undefined {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(entry)) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(envSetting)) return Number(pid);
    } catch {
      // the process went away while we looked
    }
  }
  return undefined;
}

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on every Linux the project runs on. */
const CLOCK_TICKS = 100;

/** CPU seconds (user and system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
