import { useId, type ReactNode } from 'react';
import type { Loaded } from './useInsight';

/**
 * One subject of the page (usage, personalisation, offers, rebuilds) in its own panel, loaded on its
 * own: a slow or failing endpoint leaves the other subjects readable.
 */
export function InsightSection<T>({
  title,
  loaded,
  retry,
  isEmpty,
  note,
  children,
}: {
  title: string;
  loaded: Loaded<T>;
  retry: () => void;
  /** Nothing at all in the range: one message for the subject instead of a row of empty charts. */
  isEmpty: (data: T) => boolean;
  note?: string;
  children: (data: T) => ReactNode;
}) {
  const headingId = useId();
  return (
    <section className="panel insight-section" aria-labelledby={headingId} aria-busy={loaded.state === 'loading'}>
      <h2 id={headingId}>{title}</h2>
      {note !== undefined && <p className="muted">{note}</p>}
      {loaded.state === 'loading' ? (
        <p className="muted">Loading {title.toLowerCase()}…</p>
      ) : loaded.state === 'failed' ? (
        <p className="muted">
          {title} could not be loaded.{' '}
          <button type="button" className="button-quiet" onClick={retry}>
            Try again
          </button>
        </p>
      ) : isEmpty(loaded.data) ? (
        <p>No data for these days</p>
      ) : (
        <div className="charts">{children(loaded.data)}</div>
      )}
    </section>
  );
}
