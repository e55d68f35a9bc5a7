import { useEffect, useState } from 'react';
import type { InsightsQuery } from '../api/schemas';

export type Loaded<T> =
  { readonly state: 'loading' } | { readonly state: 'failed' } | { readonly state: 'ready'; readonly data: T };

interface Answer<T> {
  readonly query: InsightsQuery;
  readonly attempt: number;
  readonly result: Loaded<T>;
}

/**
 * One insights endpoint's answer for the current query. The answer remembers what it answered, so a
 * slow answer to an earlier filter is never shown as the current one, and a new filter shows loading
 * at once. The API client has already put any problem in the error banner.
 */
export function useInsight<T>(
  load: (query: InsightsQuery) => Promise<T>,
  query: InsightsQuery,
): { readonly result: Loaded<T>; readonly retry: () => void } {
  const [attempt, setAttempt] = useState(0);
  const [answer, setAnswer] = useState<Answer<T> | null>(null);

  useEffect(() => {
    let current = true;
    load(query).then(
      (data) => current && setAnswer({ query, attempt, result: { state: 'ready', data } }),
      () => current && setAnswer({ query, attempt, result: { state: 'failed' } }),
    );
    return () => {
      current = false;
    };
  }, [load, query, attempt]);

  const result: Loaded<T> =
    answer !== null && answer.query === query && answer.attempt === attempt ? answer.result : { state: 'loading' };
  return { result, retry: () => setAttempt((n) => n + 1) };
}
