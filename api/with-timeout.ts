import pTimeout from 'p-timeout';

/**
 * Stops waiting for `promise` after `ms` (p-timeout's TimeoutError, naming `what`). The underlying call
 * is not cancelled (the drivers have their own timeouts); the caller just stops waiting for it, which
 * is what keeps a request bounded, and a late rejection of the abandoned call is handled.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return pTimeout(promise, { milliseconds: Math.max(0, ms), message: `${what} did not answer within ${ms} ms` });
}
