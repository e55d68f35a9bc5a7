import { Id } from '../../dashboard/index.js';
import type { OpsContext } from './context.js';
import type { Output } from './output.js';

/** An option of an ops command, as commander declares it: `--rate <n>`, `--dry-run`. */
export interface OpsOption {
  readonly flags: string;
  readonly description: string;
  readonly default?: string | boolean;
}

/** What a command was given: its positional arguments and its options (camelCased: `--dry-run` is `dryRun`). */
export interface OpsInput {
  readonly args: readonly string[];
  readonly opts: Readonly<Record<string, unknown>>;
}

/**
 * One ops command: what commander needs to parse its arguments and write its help, and what it does.
 * `run` returns the exit code; values are checked there (a UsageError prints the help and exits 2).
 */
export interface OpsCommand {
  readonly name: string;
  readonly summary: string;
  /** What it does in full, shown by `--help` under the usage line commander writes. */
  readonly description: string;
  readonly example: string;
  /** Positional arguments in commander's syntax: `<userId>` is required. */
  readonly arguments?: readonly string[];
  readonly options?: readonly OpsOption[];
  run(input: OpsInput, ctx: OpsContext, out: Output): Promise<number>;
}

/** A usage error: the command prints it with its help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A string option's value, if it was given (or has a default). */
export function textOption(opts: OpsInput['opts'], name: string): string | undefined {
  const value = opts[name];
  return typeof value === 'string' ? value : undefined;
}

export const flagOption = (opts: OpsInput['opts'], name: string): boolean => opts[name] === true;

/** The one user id a command takes, checked as the contract checks ids. */
export function userIdArgument(args: readonly string[]): string {
  const userId = Id.safeParse(args[0]);
  if (!userId.success) throw new UsageError('give exactly one valid user id');
  return userId.data;
}

/** Most users a second an operator may rebuild: what the event path sustains beside live traffic. */
export const MAX_RATE = 500;

/** The `--rate` of a bulk command: users a second, an integer from 1 to MAX_RATE. */
export function parseRate(value: string | undefined): number {
  const rate = Number(value);
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE)
    throw new UsageError(`--rate must be an integer from 1 to ${MAX_RATE}`);
  return rate;
}

/** `--rate <n>` with a command's own default. */
export const rateOption = (defaultRate: number): OpsOption => ({
  flags: '--rate <n>',
  description: `users rebuilt a second at most, 1 to ${MAX_RATE}`,
  default: String(defaultRate),
});
