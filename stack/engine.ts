import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envSchema, type Config } from '../config/index.js';
import type { ManagedProcess } from './processes.js';

/** How the local stack installs nothing, but configures, starts and probes one engine. */
export interface Engine extends ManagedProcess {
  readonly port: number;
  /** Seconds `up` waits for readiness before naming this engine as failed. */
  readonly readyDeadlineSeconds: number;
  /** Engines that must answer before this one is prepared and started (its stores, say). */
  readonly needs?: readonly string[];
  prepare(): void | Promise<void>;
  command(): { command: string; args: string[]; env?: NodeJS.ProcessEnv };
  /** Resolves when a real client gets a real answer; rejects with the reason otherwise. */
  probe(): Promise<void>;
}

export const root = fileURLToPath(new URL('..', import.meta.url));

export function stackPaths(config: Config) {
  const dir = resolve(root, config.STACK_DIR);
  return {
    dir,
    bin: join(dir, 'bin'),
    logs: join(dir, 'logs'),
    run: join(dir, 'run'),
    data: (engine: string) => join(dir, engine, 'data'),
    conf: (engine: string) => join(dir, engine, 'conf'),
    lib: (engine: string) => join(dir, engine, 'lib'),
  };
}

export function managed(config: Config, name: string, marker: string | string[]): ManagedProcess {
  const paths = stackPaths(config);
  return { name, marker, pidFile: join(paths.run, `${name}.pid`), logFile: join(paths.logs, `${name}.log`) };
}

export function requireInstalled(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${what} is not installed (${path} missing): run \`npm run setup\``);
}

export type StackProfile = NonNullable<Config['STACK_PROFILE']>;

/** Where `up` records the profile it started, so later commands without STACK_PROFILE address the same engines. */
export const profileFile = (config: Config) => join(stackPaths(config).run, 'profile');

/** The recorded profile of a started stack, if any. */
export function recordedProfile(config: Config): StackProfile | undefined {
  const file = profileFile(config);
  if (!existsSync(file)) return undefined;
  // A file of ours, still parsed: anything else in it means no recorded profile.
  return envSchema.shape.STACK_PROFILE.safeParse(readFileSync(file, 'utf8').trim()).data;
}

/** The profile a command addresses: the one asked for, else the one the stack was started with. */
export function stackProfile(config: Config): StackProfile {
  return config.STACK_PROFILE ?? recordedProfile(config) ?? 'development';
}
