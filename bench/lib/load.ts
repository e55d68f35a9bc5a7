import autocannon from 'autocannon';
import { summarize, type Summary } from './stats.js';

export interface LoadOptions {
  readonly url: string;
  /** Requests per second across all connections; absent = as fast as it goes (the highest rate). */
  readonly rate?: number;
  readonly durationSeconds: number;
  readonly connections?: number;
  /** Headers per request, e.g. a random user's token: called for every request. */
  readonly headers?: () => Record<string, string>;
}

export interface LoadResult {
  readonly latencyMs: Summary;
  readonly requestsPerSecond: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/**
 * One load run with autocannon. Every response time is recorded here, because autocannon's own
 * summary has no p95; warm-up is the caller's business.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections ?? 20,
        duration: options.durationSeconds,
        ...(options.rate ? { overallRate: options.rate } : {}),
        timeout: 10,
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              headers: { ...request.headers, ...(options.headers?.() ?? {}) },
            }),
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      times.push(responseTime);
    });
  });
  return {
    latencyMs: summarize(times),
    requestsPerSecond: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
