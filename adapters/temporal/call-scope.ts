import type { AsyncLocalStorage } from 'node:async_hooks';

type AsyncMethod = (...args: never[]) => Promise<unknown>;
type AsyncPorts<P> = { [K in keyof P]: AsyncMethod };

/**
 * Runs Temporal client calls so that the client's call context costs nothing between them.
 *
 * Why: the client keeps each call's namespace header, deadline and abort signal in an
 * AsyncLocalStorage (`Connection.callContextStorage`), and on Node 20 a storage that has run once
 * keeps async hooks on for every promise the process makes after it, whatever it is for: about
 * 20 µs more CPU per cache hit in the API, which never touches Temporal on a hit (bench/README.md).
 * Node turns the hook off again when no storage is enabled, so calls are counted and the storage is
 * disabled when the last one in flight settles; the next call's `run` enables it again. A call made
 * outside `run` while another is in flight would lose its context when that one ends, so every port
 * that calls Temporal goes through here.
 */
export interface CallScope {
  run<T>(call: () => Promise<T>): Promise<T>;
  /** The same methods, each call run in the scope. */
  wrap<P extends AsyncPorts<P>>(ports: P): P;
}

export function createCallScope(storage: Pick<AsyncLocalStorage<unknown>, 'disable'>): CallScope {
  let inFlight = 0;
  const run = async <T>(call: () => Promise<T>): Promise<T> => {
    inFlight++;
    try {
      return await call();
    } finally {
      if (--inFlight === 0) storage.disable();
    }
  };
  return {
    run,
    wrap<P extends AsyncPorts<P>>(ports: P): P {
      const wrapped = { ...ports };
      for (const name of Object.keys(ports) as (keyof P)[]) {
        const method: AsyncMethod = ports[name];
        const inScope = (...args: never[]) => run(() => method.apply(ports, args));
        wrapped[name] = inScope as P[keyof P];
      }
      return wrapped;
    },
  };
}
