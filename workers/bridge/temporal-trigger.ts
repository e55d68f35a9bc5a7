import { Client } from '@temporalio/client';
import { createDashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
import { createLazyConnection } from '../../adapters/temporal/lazy-connection.js';
import { tracedClientInterceptors } from '../../adapters/telemetry/temporal-tracing.js';
import { SpanKind, contextOf, inSpan, linkTo } from '../../adapters/telemetry/trace-context.js';
import { taskQueues, type Config } from '../../config/index.js';
import { randomUUID } from 'node:crypto';
import type { StartedRebuilds, UserTrigger } from './trigger-batcher.js';

/** Deadline of one batch start; past it the bridge counts a failure and retries with backoff. */
const TRIGGER_DEADLINE_MS = 5_000;
/** How long the bridge follows a started batch to see it finish; the batcher stops waiting sooner. */
const FINISHED_WAIT_MS = 5_000;

export interface TemporalTrigger {
  readonly client: Client;
  /** Starts rebuildBatch workflows covering the users, with a deadline; `finished` when they completed. */
  readonly startRebuilds: (users: UserTrigger[]) => Promise<StartedRebuilds>;
  close(): Promise<void>;
}

/**
 * How the bridge reaches Temporal. The connection is lazy, so the bridge starts (and pauses) while
 * Temporal is down instead of failing to start; a short reconnect backoff lets it notice a returning
 * server within seconds.
 */
export function createTemporalTrigger(
  config: Config,
  options: { maxReconnectBackoffMs?: number } = {},
): TemporalTrigger {
  const { connection, close } = createLazyConnection({
    address: config.TEMPORAL_ADDRESS,
    connectTimeout: 5_000,
    channelArgs: {
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': options.maxReconnectBackoffMs ?? 5_000,
    },
  });
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    interceptors: tracedClientInterceptors(),
  });
  const workflows = createDashboardWorkflows(client, taskQueues(config));
  // Batch ids sort by time and name this bridge process, so an operator can tell batches apart.
  const bridgeTag = randomUUID().slice(0, 8);
  let sequence = 0;
  return {
    client,
    async startRebuilds(users) {
      const key = `${new Date().toISOString()}:${bridgeTag}-${++sequence}`;
      // The batch's run joins the trace of its first traced user; the others' traces are linked.
      const [first, ...others] = users.filter((u) => u.traceparent !== undefined);
      const started = await inSpan(
        'bridge: start rebuildBatch',
        {
          kind: SpanKind.PRODUCER,
          parent: contextOf(first),
          links: others.flatMap((u) => linkTo(contextOf(u))),
          attributes: { 'rebuild.users': users.length },
        },
        () => client.withDeadline(Date.now() + TRIGGER_DEADLINE_MS, () => workflows.startRebuildBatch(key, users)),
      );
      // Waiting for the result paces the bridge (trigger-batcher.ts); the deadline ends the long poll.
      return { finished: client.withDeadline(Date.now() + FINISHED_WAIT_MS, () => started.finished()) };
    },
    close,
  };
}
