import { StrictMode, useCallback, useMemo, useState } from 'react';
import { createApiClient } from './api/client';
import { createEndpoints } from './api/endpoints';
import { subscribeToDashboard, type LiveState } from './api/live';
import { createNotices } from './app/notices';
import { ServicesProvider, type Services } from './app/services';
import { Shell } from './app/Shell';
import { forgetToken, storeToken } from './auth/session';
import { SignIn } from './auth/SignIn';
import type { Session } from './auth/token';
import { DashboardProvider } from './dashboard/DashboardProvider';

export interface AppProps {
  /** The session the page was opened with, if its token is readable and not expired. */
  readonly initialSession: Session | null;
  /** A token was there but is unusable: say the session ended rather than just asking to sign in. */
  readonly initialSessionEnded: boolean;
  readonly tokenStorage: Storage;
  readonly storage: Storage;
}

/**
 * Everything a session needs is created here, per session, and handed down through context: the
 * API client holds a getter for the token, so nothing else keeps it.
 */
function SignedIn({
  session,
  storage,
  onSessionEnded,
  onSignOut,
}: {
  session: Session;
  storage: Storage;
  onSessionEnded: () => void;
  onSignOut: () => void;
}) {
  const services = useMemo<Services>(() => {
    const notices = createNotices();
    const client = createApiClient({ getToken: () => session.token, onSessionEnded, notices });
    return { session, api: createEndpoints(client), notices, storage, signOut: onSignOut };
  }, [session, storage, onSessionEnded, onSignOut]);
  const subscribe = useCallback(
    (handlers: { onUpdate: () => void; onState: (state: LiveState) => void }) =>
      subscribeToDashboard({ url: '/v1/dashboard/stream', getToken: () => session.token, onSessionEnded, ...handlers }),
    [session, onSessionEnded],
  );
  return (
    <ServicesProvider services={services}>
      <DashboardProvider subscribe={subscribe}>
        <Shell />
      </DashboardProvider>
    </ServicesProvider>
  );
}

export function App({ initialSession, initialSessionEnded, tokenStorage, storage }: AppProps) {
  const [session, setSession] = useState(initialSession);
  const [sessionEnded, setSessionEnded] = useState(initialSessionEnded);

  const endSession = useCallback(() => {
    forgetToken(tokenStorage);
    setSession(null);
    setSessionEnded(true);
  }, [tokenStorage]);
  const signOut = useCallback(() => {
    forgetToken(tokenStorage);
    setSession(null);
    setSessionEnded(false);
  }, [tokenStorage]);
  const signIn = useCallback(
    (next: Session) => {
      storeToken(tokenStorage, next.token);
      setSessionEnded(false);
      setSession(next);
    },
    [tokenStorage],
  );

  return (
    <StrictMode>
      {session === null ? (
        <SignIn sessionEnded={sessionEnded} onSignIn={signIn} />
      ) : (
        <SignedIn
          key={session.token}
          session={session}
          storage={storage}
          onSessionEnded={endSession}
          onSignOut={signOut}
        />
      )}
    </StrictMode>
  );
}
