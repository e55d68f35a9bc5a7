/** A wait given up by withTimeout: `what` did not answer in time. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Stops waiting for `promise` after `ms` (a TimeoutError naming `what`). The underlying call is not
 * cancelled (the drivers have their own timeouts); the caller just stops waiting for it, which is what
 * keeps a request bounded, and a late rejection of the abandoned call is handled.
 *
 * Written here rather than with p-timeout, which builds its TimeoutError, stack trace included, on
 * every call so that the trace points at the caller: on a cache hit that was about 5 % of the API's
 * CPU (bench/README.md, round 14), for an error almost never thrown. This one builds it when it times out.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
