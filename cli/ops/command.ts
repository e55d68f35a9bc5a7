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
