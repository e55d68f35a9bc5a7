import { proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ErrorType } from '../contract/workflows.js';

/**
 * Activity proxies with explicit timeouts and bounded retries, one per kind of remote work.
 * Calls to domain services retry briefly (a dashboard waits on them) and stop at once when a retry
 * cannot help; the caller then falls back to the last-known snapshot.
 */
const domainOptions = {
  startToCloseTimeout: '5 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [ErrorType.DomainRequestRejected, ErrorType.CircuitOpen, ErrorType.DomainResponseInvalid],
  },
} satisfies ActivityOptions;

/** Cassandra, Redis, Kafka and Temporal calls: longer patience, still bounded (about a minute in all). */
const storageOptions = {
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 8,
  },
} satisfies ActivityOptions;

/**
 * Steps of a preference change: once the caller's request is accepted, its steps wait out an engine
 * that is away (Cassandra, Kafka, Temporal itself) instead of failing the change: a retried request
 * with the same key then gets the change's real outcome. Bounded by a day, as settling builds are.
 * The delay between tries stops growing at 5 s because a person is waiting: their app repeats the
 * request until it is answered, and with a 30 s cap the first try after Cassandra came back was up to
 * 25 s later (chaos/README.md). A try every 5 s per waiting change is nothing to an engine. Only the
 * retry policy changed, which replay does not compare: recorded histories replay as before.
 */
const durableOptions = {
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
} satisfies ActivityOptions;

export const domainActivities = proxyActivities<Activities>(domainOptions);
export const durableActivities = proxyActivities<Activities>(durableOptions);
export const storageActivities = proxyActivities<Activities>(storageOptions);

/**
 * The same activities, run as local activities: the worker runs them in the workflow task itself, so
 * a build pays no schedule-to-start hop per step (under load that hop was most of a rebuild's time)
 * and records them as markers in one workflow task. Same timeouts and bounded retries.
 */
export const localDomainActivities = proxyLocalActivities<Activities>(domainOptions);
export const localStorageActivities = proxyLocalActivities<Activities>(storageOptions);

/** Bulk synchronous rebuilds of an operator run: each user has its own 30 s deadline inside. */
export const bulkActivities = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

/**
 * A whole build as one local activity: one marker in the history per build. It retries like storage
 * work (the build is idempotent: it reads the current truth), and stops at once when there is
 * nothing to show.
 */
export const localBuildActivities = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...storageOptions.retry, nonRetryableErrorTypes: [ErrorType.DashboardUnavailable] },
});

/** Builds of a batch of users: one user's failure is data, so a throw means the batch as a whole could not run. */
const batchOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 6 },
} satisfies ActivityOptions;
export const localBatchActivities = proxyLocalActivities<Activities>(batchOptions);
export const batchActivities = proxyActivities<Activities>(batchOptions);
