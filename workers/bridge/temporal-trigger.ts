import { Client, Connection } from '@temporalio/client';
import { createDashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
import type { Config } from '../../config/index.js';
import type { Trigger } from '../../workflows/definitions.js';

/** Deadline of one rebuild trigger; past it the bridge counts a failure and retries with backoff. */
const TRIGGER_DEADLINE_MS = 5_000;

export interface TemporalTrigger {
  readonly client: Client;
  /** Signal-with-start of the user's rebuild, with a deadline. */
  readonly requestRebuild: (userId: string, trigger: Trigger) => Promise<void>;
  close(): Promise<void>;
}

/**
 * How the bridge reaches Temporal. The connection is lazy, so the bridge starts (and pauses) while
 * Temporal is down instead of failing to start; a short reconnect backoff lets it notice a returning
 * server within seconds.
 */
export function createTemporalTrigger(config: Config, options: { maxReconnectBackoffMs?: number } = {}): TemporalTrigger {
  const connection = Connection.lazy({
    address: config.TEMPORAL_ADDRESS,
    connectTimeout: 5_000,
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': options.maxReconnectBackoffMs ?? 5_000 },
  });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const workflows = createDashboardWorkflows(client, config.TEMPORAL_TASK_QUEUE);
  return {
    client,
    requestRebuild: (userId, trigger) => client.withDeadline(Date.now() + TRIGGER_DEADLINE_MS, () => workflows.requestRebuild(userId, trigger)),
    close: () => connection.close(),
  };
}
