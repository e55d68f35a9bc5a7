import { PageHeading } from '../app/PageHeading';
import { useDashboard } from './DashboardProvider';
import { DashboardSections } from './DashboardSections';

export function DashboardPage() {
  const { state, refresh } = useDashboard();
  return (
    <>
      <PageHeading>Your dashboard</PageHeading>
      {state.dashboard !== null ? (
        <DashboardSections dashboard={state.dashboard} level={2} />
      ) : state.loading ? (
        <p className="muted">Loading your dashboard…</p>
      ) : (
        <div className="panel">
          <p>
            {state.connection === 'offline'
              ? "You're offline and there is no saved copy of your dashboard on this device yet."
              : "We couldn't load your dashboard."}
          </p>
          <button type="button" onClick={() => void refresh()}>
            Load again
          </button>
        </div>
      )}
    </>
  );
}
