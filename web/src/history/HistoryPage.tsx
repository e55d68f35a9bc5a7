import { useEffect, useState } from 'react';
import { isConflict } from '../api/errors';
import { newIdempotencyKey } from '../api/idempotency-key';
import { sleep, withNetworkRetries } from '../api/retry';
import type { HistoryEntry } from '../api/schemas';
import { CONFLICT_MESSAGE } from '../app/messages';
import { PageHeading } from '../app/PageHeading';
import { useServices } from '../app/services';
import { useDashboard } from '../dashboard/DashboardProvider';
import { formatDateTime } from '../format';
import { summarisePreferences } from './summary';

interface Page {
  readonly entries: readonly HistoryEntry[];
  readonly nextCursor: string | undefined;
}

/** Every saved version of the preferences, newest first; any older one can be restored (as a new version). */
export function HistoryPage() {
  const { api, notices } = useServices();
  const { refresh: refreshDashboard } = useDashboard();
  const [page, setPage] = useState<Page | null>(null);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');

  // Bumped to load the first page again (after a restore or a conflict).
  const [generation, setGeneration] = useState(0);
  const reload = () => setGeneration((n) => n + 1);

  useEffect(() => {
    let current = true;
    api.history().then(
      (first) => {
        if (!current) return;
        setPage({ entries: first.entries, nextCursor: first.nextCursor });
        setFailed(false);
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [api, generation]);

  const loadMore = async () => {
    if (page?.nextCursor === undefined || busy) return;
    setBusy(true);
    try {
      const more = await api.history(page.nextCursor);
      setPage({ entries: [...page.entries, ...more.entries], nextCursor: more.nextCursor });
    } catch {
      // The banner says why; the entries shown stay.
    } finally {
      setBusy(false);
    }
  };

  const restore = async (version: number) => {
    const current = page?.entries[0]?.version;
    // One restore at a time: the second would carry a version the first has just made old.
    if (current === undefined || busy) return;
    setBusy(true);
    setMessage('');
    const key = newIdempotencyKey();
    try {
      await withNetworkRetries((quiet) => api.restorePreferences(version, current, key, { quiet }), sleep);
      setMessage(`Restored version ${version}`);
      reload();
      void refreshDashboard();
    } catch (error) {
      if (isConflict(error)) {
        notices.report(CONFLICT_MESSAGE);
        reload();
        void refreshDashboard();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading>History</PageHeading>
      <p className="lead">
        Every change to your dashboard is kept. Restoring an earlier version saves it as a new one, so nothing is lost.
      </p>
      <p role="status" className="save-status">
        {message}
      </p>
      {page === null ? (
        <p className="muted">{failed ? "We couldn't load your history." : 'Loading your history…'}</p>
      ) : page.entries.length === 0 ? (
        <p className="muted">You have not changed your dashboard yet.</p>
      ) : (
        <ol className="history">
          {page.entries.map((entry, index) => (
            <li key={entry.version} className="panel history-entry">
              <div className="history-text">
                <h2>
                  Version {entry.version}
                  {index === 0 && (
                    <>
                      {' '}
                      <span className="badge badge-quiet">Current</span>
                    </>
                  )}
                </h2>
                <p>Saved {formatDateTime(entry.changedAt)}</p>
                <p className="muted">{summarisePreferences(entry.preferences)}</p>
              </div>
              {index > 0 && (
                <button type="button" onClick={() => void restore(entry.version)}>
                  Restore version {entry.version}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      {page?.nextCursor !== undefined && (
        <button type="button" className="load-more" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </>
  );
}
