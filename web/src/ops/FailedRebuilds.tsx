import { useEffect, useId, useState } from 'react';
import type { FailedRebuilds as FailedRebuildsData } from '../api/schemas';
import { useServices } from '../app/services';
import { formatDateTime } from '../format';
import { ExternalLink } from '../ui/ExternalLink';

/** Rebuilds that failed in the last hour, each with a replay (a rebuild with trigger replay). */
export function FailedRebuilds() {
  const { api } = useServices();
  const [data, setData] = useState<FailedRebuildsData | null>(null);
  const [failed, setFailed] = useState(false);
  const [result, setResult] = useState('');
  const headingId = useId();

  // Bumped to load the list again (the refresh button, a replay).
  const [generation, setGeneration] = useState(0);
  const reload = () => setGeneration((n) => n + 1);

  useEffect(() => {
    let current = true;
    api.failedRebuilds().then(
      (next) => {
        if (!current) return;
        setData(next);
        setFailed(false);
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [api, generation]);

  const replay = async (userId: string) => {
    setResult(`Replaying ${userId}…`);
    try {
      const rebuilt = await api.rebuild(userId, 'replay');
      setResult(`Replayed ${userId}: version ${rebuilt.version}`);
      reload();
    } catch {
      setResult(`Replaying ${userId} did not finish`);
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <div className="editor-head">
        <h2 id={headingId}>Failed rebuilds</h2>
        <button type="button" className="button-quiet" onClick={reload}>
          Refresh failed rebuilds
        </button>
      </div>
      <p role="status" className="save-status">
        {result}
      </p>
      {data === null ? (
        <p className="muted">{failed ? 'Failed rebuilds could not be loaded.' : 'Loading failed rebuilds…'}</p>
      ) : data.failed.length === 0 ? (
        <p>No failed rebuilds in the last hour</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>Failed rebuilds in the last hour</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Closed</th>
                <th scope="col">Reason</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.failed.map((run) => (
                <tr key={`${run.workflowId}/${run.runId}`}>
                  <td>{run.userId}</td>
                  <td>{formatDateTime(run.closedAt)}</td>
                  <td>
                    <span className={`run-status run-status-${run.status.toLowerCase()}`}>{run.status}</span>{' '}
                    {run.reason}
                  </td>
                  <td className="cell-actions">
                    <button type="button" onClick={() => void replay(run.userId)}>
                      Replay {run.userId}
                    </button>
                    <ExternalLink href={run.temporalUiUrl}>Open in Temporal UI</ExternalLink>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
