import { useEffect } from 'react';
import { DashboardPage } from '../dashboard/DashboardPage';
import { LiveStatus } from '../dashboard/LiveStatus';
import { HistoryPage } from '../history/HistoryPage';
import { LazyInsightsPage } from '../insights/LazyInsightsPage';
import { OpsPage } from '../ops/OpsPage';
import { PersonalisePage } from '../personalise/PersonalisePage';
import { PreviewPage } from '../preview/PreviewPage';
import { NEW_TAB_DESCRIPTION_ID } from '../ui/ExternalLink';
import { ErrorBanner } from './ErrorBanner';
import { Nav } from './Nav';
import { FocusOnNavigate } from './PageHeading';
import { useHashRoute, type Route } from './routes';
import { useServices } from './services';

function Screen({ route, admin }: { route: Route; admin: boolean }) {
  switch (route) {
    case 'personalise':
      return <PersonalisePage />;
    case 'history':
      return <HistoryPage />;
    case 'preview':
      return <PreviewPage />;
    // The console's and the insights' endpoints refuse non-admins anyway; the screens are simply not offered to them.
    case 'ops':
      return admin ? <OpsPage /> : <DashboardPage />;
    case 'insights':
      return admin ? <LazyInsightsPage /> : <DashboardPage />;
    case 'dashboard':
      return <DashboardPage />;
  }
}

/** The signed-in app: header with who is signed in and the live state, navigation, one main. */
export function Shell() {
  const { session, notices, signOut } = useServices();
  const { route, navigated } = useHashRoute();
  // Messages belong to the screen they were said on; a new screen starts without them.
  useEffect(() => notices.clearMessages(), [route, notices]);
  return (
    <div className="app">
      <header className="header">
        <div className="header-inner">
          <span className="brand">Your bank</span>
          <Nav current={route} admin={session.admin} />
          <div className="header-side">
            <LiveStatus />
            <span className="user">
              Signed in as <strong>{session.userId}</strong>
              {session.admin && (
                <>
                  {' '}
                  <span className="badge badge-quiet">admin</span>
                </>
              )}
            </span>
            <button type="button" className="button-quiet" onClick={signOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="main">
        <ErrorBanner notices={notices} />
        <FocusOnNavigate.Provider value={navigated}>
          <Screen key={route} route={route} admin={session.admin} />
        </FocusOnNavigate.Provider>
      </main>
      <span id={NEW_TAB_DESCRIPTION_ID} hidden>
        Opens in a new tab
      </span>
    </div>
  );
}
