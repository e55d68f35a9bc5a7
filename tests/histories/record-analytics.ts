import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { runBackfill } from '../../adapters/temporal/analytics-workflows.js';
import { loadConfig } from '../../config/index.js';
import type { rollupAnalytics } from '../../workflows/analytics/rollup.js';
import { createAnalyticsWorker } from '../../workers/analytics/create-analytics-worker.js';
import { createTestAnalytics } from '../support/analytics.js';
import { unique } from '../support/unique.js';
import { saveHistory } from './save.js';

/**
 * Records histories of the analytics workflows (their own bundle) into tests/histories/analytics/,
 * for the replay test: `npx tsx tests/histories/record-analytics.ts` with the stack up.
 */
const config = loadConfig();
const analytics = await createTestAnalytics(config);
const taskQueue = unique('record-analytics');
const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createAnalyticsWorker({
  connection: nativeConnection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue,
  deps: { store: analytics.store },
});
const running = worker.run();
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const out = (name: string) => new URL(`./analytics/${name}.json`, import.meta.url);
try {
  await runBackfill(client, { taskQueue, from: '2026-11-01', to: '2026-11-03' });
  await saveHistory(config, out('backfillAnalytics'), 'analytics-backfill:2026-11-01:2026-11-03');
  for (const kind of ['hourly', 'daily'] as const) {
    const workflowId = unique(`rollup-${kind}`);
    await client.workflow.execute<typeof rollupAnalytics>('rollupAnalytics', {
      taskQueue,
      workflowId,
      args: [{ kind, retentionDays: 35 }],
    });
    await saveHistory(config, out(`rollupAnalytics-${kind}`), workflowId);
  }
} finally {
  worker.shutdown();
  await running;
  await nativeConnection.close();
  await connection.close();
  await analytics.drop();
}
