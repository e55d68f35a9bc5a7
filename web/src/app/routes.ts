import { useEffect, useState } from 'react';

export type Route = 'dashboard' | 'personalise' | 'history' | 'preview' | 'ops' | 'insights';

/** The screens, in navigation order; hash routes, because the API serves one index.html at /app/. */
export const ROUTES: readonly {
  readonly route: Route;
  readonly hash: string;
  readonly label: string;
  readonly adminOnly: boolean;
}[] = [
  { route: 'dashboard', hash: '#/', label: 'Dashboard', adminOnly: false },
  { route: 'personalise', hash: '#/personalise', label: 'Personalise', adminOnly: false },
  { route: 'history', hash: '#/history', label: 'History', adminOnly: false },
  { route: 'preview', hash: '#/preview', label: 'Preview', adminOnly: false },
  { route: 'ops', hash: '#/ops', label: 'Ops', adminOnly: true },
  { route: 'insights', hash: '#/insights', label: 'Insights', adminOnly: true },
];

export function routeFromHash(hash: string): Route {
  return ROUTES.find((entry) => entry.hash === hash && entry.route !== 'dashboard')?.route ?? 'dashboard';
}

/** The current route, and whether the person has navigated since the page loaded (then focus moves to the new page). */
export function useHashRoute(): { route: Route; navigated: boolean } {
  const [state, setState] = useState(() => ({ route: routeFromHash(window.location.hash), navigated: false }));
  useEffect(() => {
    const onChange = () => setState({ route: routeFromHash(window.location.hash), navigated: true });
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return state;
}
