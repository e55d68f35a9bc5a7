import { describe, expect, it } from 'vitest';
import { createLazyConnection } from '../../adapters/temporal/lazy-connection.js';
import { loadConfig } from '../../config/index.js';
import { createTcpGate } from '../support/tcp-gate.js';

/**
 * Closing a Temporal connection while its calls are being retried (Temporal away): the SDK retries on
 * timers, and a retry that fires on a closed channel throws outside any promise. The gate refuses
 * every connection, as a Temporal that is down does.
 */
describe('lazy Temporal connection', () => {
  it('closes while a call is being retried, without a retry firing on the closed channel', async () => {
    const config = loadConfig();
    const [host = '127.0.0.1', port = '7233'] = config.TEMPORAL_ADDRESS.split(':');
    const gate = await createTcpGate({ host, port: Number(port) });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      const { connection, close } = createLazyConnection({ address: gate.address, connectTimeout: 1_000 });
      const call = connection.withDeadline(Date.now() + 30_000, () =>
        connection.workflowService.describeNamespace({ namespace: config.TEMPORAL_NAMESPACE }),
      );
      const outcome = call.then(
        () => 'answered',
        () => 'failed',
      );
      // Long enough for a few refused attempts, so a retry is scheduled when the close begins.
      await new Promise((resolve) => setTimeout(resolve, 700));
      await close();
      expect(await outcome).toBe('failed');
      // Any retry scheduled before the close has had its turn (the SDK's longest backoff is about 6 s).
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      await gate.close();
    }
  });
});
