import { useCallback, useRef, useState } from 'react';
import type { ClientDashboard } from '../../../dashboard/contract/dashboard.js';
import type { DashboardResponse } from '../api/endpoints';

export type ProfileDashboard =
  | { readonly state: 'idle' | 'loading' | 'failed' }
  | { readonly state: 'ready'; readonly dashboard: ClientDashboard; readonly profile: string | null };

/**
 * A dashboard fetched for a chosen app profile (and, in the ops console, user). Only the answer to the
 * latest request is shown, so a slow answer for an earlier choice cannot replace the last one.
 */
export function useProfileDashboard() {
  const [result, setResult] = useState<ProfileDashboard>({ state: 'idle' });
  const latest = useRef(0);
  const load = useCallback(async (fetchDashboard: () => Promise<DashboardResponse>) => {
    const request = ++latest.current;
    setResult({ state: 'loading' });
    try {
      const response = await fetchDashboard();
      if (request !== latest.current) return;
      // No If-None-Match was sent, so the answer always has a body.
      setResult(
        response.kind === 'fresh'
          ? { state: 'ready', dashboard: response.dashboard, profile: response.profile }
          : { state: 'failed' },
      );
    } catch {
      if (request === latest.current) setResult({ state: 'failed' });
    }
  }, []);
  return { result, load };
}
