import { setTimeout as sleep } from 'node:timers/promises';
import {
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';

export interface LazyConnection {
  readonly connection: Connection;
  /** Retries no call again, waits for the retries already scheduled to run, then closes. */
  close(): Promise<void>;
}

/**
 * A lazy Temporal connection (it connects at first use, so a process starts while Temporal is away)
 * that can be closed while calls are being retried. The SDK's retry interceptor schedules each retry
 * on a timer, and a timer that fires after the connection closed starts a call on a shut-down channel,
 * which throws outside any promise: an uncaught exception at shutdown. So once closing, no call is
 * retried again, and the close waits for the retries already scheduled (at most the SDK's longest
 * backoff, about 6 s, and only while Temporal is failing).
 */
export function createLazyConnection(options: ConnectionOptions): LazyConnection {
  const retry = defaultGrpcRetryOptions();
  let closing = false;
  let retriesDueBy = 0;
  const connection = Connection.lazy({
    ...options,
    interceptors: [
      makeGrpcRetryInterceptor({
        retryableDecider: (attempt, status) => !closing && retry.retryableDecider(attempt, status),
        delayFunction(attempt, status) {
          const delayMs = retry.delayFunction(attempt, status);
          retriesDueBy = Math.max(retriesDueBy, Date.now() + delayMs);
          return delayMs;
        },
      }),
    ],
  });
  return {
    connection,
    async close() {
      closing = true;
      const pendingMs = retriesDueBy - Date.now();
      if (pendingMs > 0) await sleep(pendingMs + 50);
      await connection.close();
    },
  };
}
