import { createContext, useContext, type ReactNode } from 'react';
import type { Endpoints } from '../api/endpoints';
import type { Session } from '../auth/token';
import type { Notices } from './notices';

/** What every screen of a signed-in session works with, created once per session in App. */
export interface Services {
  readonly session: Session;
  readonly api: Endpoints;
  readonly notices: Notices;
  /** localStorage: the last known dashboard and item names, per user. */
  readonly storage: Storage;
  readonly signOut: () => void;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (services === null) throw new Error('useServices outside ServicesProvider');
  return services;
}
