import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useServices } from '../app/services';
import { WEB_CLIENT } from '../config';
import { LiveDashboard, type DashboardState, type LiveDashboardDeps } from './live-dashboard';

interface DashboardContextValue {
  readonly state: DashboardState;
  readonly refresh: () => Promise<void>;
}

const DashboardContext = createContext<DashboardContextValue | null>(null);

/**
 * Keeps the signed-in user's dashboard live for every screen: the dashboard page shows it, the
 * personalise screen lists its items, and both follow changes made elsewhere.
 */
export function DashboardProvider({
  subscribe,
  children,
}: {
  subscribe: LiveDashboardDeps['subscribe'];
  children: ReactNode;
}) {
  const { session, api, storage } = useServices();
  const [store] = useState(
    () =>
      new LiveDashboard({
        userId: session.userId,
        fetchDashboard: (etag) => api.ownDashboard(WEB_CLIENT, etag, { quiet: true }),
        subscribe,
        storage,
        network: { isOnline: () => navigator.onLine, events: window },
        now: () => new Date(),
      }),
  );
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  const state = useSyncExternalStore(store.subscribe, store.snapshot);
  return (
    <DashboardContext.Provider value={{ state, refresh: () => store.refresh() }}>{children}</DashboardContext.Provider>
  );
}

export function useDashboard(): DashboardContextValue {
  const value = useContext(DashboardContext);
  if (value === null) throw new Error('useDashboard outside DashboardProvider');
  return value;
}
