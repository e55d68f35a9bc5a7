import type { OpsContext } from './context.js';
import type { Output } from './output.js';

/** One ops command: its help text and what it does. `run` returns the exit code. */
export interface OpsCommand {
  readonly name: string;
  readonly summary: string;
  /** Full help, shown by `--help`. */
  readonly help: string;
  run(args: string[], ctx: OpsContext, out: Output): Promise<number>;
}

/** A usage error: the command prints it with its help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
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
