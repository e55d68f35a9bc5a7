import { formatTime } from '../format';
import type { Connection } from './live-dashboard';
import { useDashboard } from './DashboardProvider';

const CONNECTION_TEXT: Record<Connection, string> = {
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline — showing your last known dashboard',
};

/** Whether what the person sees follows changes as they happen; the text is all a screen reader needs. */
export function LiveStatus() {
  const { state } = useDashboard();
  return (
    <div className={`live live-${state.connection}`}>
      <span className="live-dot" aria-hidden="true" />
      <span role="status">{CONNECTION_TEXT[state.connection]}</span>
      {state.connection === 'offline' && state.fetchedAt !== null && (
        <span className="live-fetched">Last updated {formatTime(state.fetchedAt)}</span>
      )}
    </div>
  );
}
