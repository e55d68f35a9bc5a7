import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ErrorType } from './definitions.js';

/**
 * Activity proxies with explicit timeouts and bounded retries, one per kind of remote work.
 * Calls to domain services retry briefly (a dashboard waits on them) and stop at once when a retry
 * cannot help; the caller then falls back to the last-known snapshot.
 */
export const domainActivities = proxyActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [ErrorType.DomainRequestRejected, ErrorType.CircuitOpen, ErrorType.DomainResponseInvalid],
  },
});

/** Cassandra, Redis, Kafka and Temporal calls: longer patience, still bounded (about a minute in all). */
export const storageActivities = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 },
});

/** Bulk synchronous rebuilds of an operator run: each user has its own 30 s deadline inside. */
export const bulkActivities = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});
