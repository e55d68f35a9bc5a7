import { NetworkError } from './errors';

/** A write that met a network failure is sent again, with the same Idempotency-Key, this often in all. */
const NETWORK_ATTEMPTS = 3;

/**
 * Sends a write again after a network failure: it may have been stored before the connection broke,
 * and the same Idempotency-Key makes the server answer with the first result instead of applying it
 * twice. `quiet` is true for attempts after which another follows (no offline message yet).
 */
export async function withNetworkRetries<T>(
  attempt: (quiet: boolean) => Promise<T>,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  for (let count = 1; ; count += 1) {
    const last = count >= NETWORK_ATTEMPTS;
    try {
      return await attempt(!last);
    } catch (error) {
      if (!(error instanceof NetworkError) || last) throw error;
      await sleep(count * 1000);
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => window.setTimeout(resolve, ms));
