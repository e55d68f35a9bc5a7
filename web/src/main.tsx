import './zod-setup';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { forgetToken, storedToken, takeTokenFromAddress } from './auth/session';
import { hasExpired, readSession } from './auth/token';
import './styles.css';

// Taken before anything renders, so the token leaves the address bar before any request or error.
const token =
  takeTokenFromAddress(window.location, window.history, window.sessionStorage) ?? storedToken(window.sessionStorage);
const session = token === null ? null : readSession(token);
const usable = session !== null && !hasExpired(session, Date.now()) ? session : null;
// An unusable token is not kept: the next load would only refuse it again.
if (token !== null && usable === null) forgetToken(window.sessionStorage);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <App
    initialSession={usable}
    initialSessionEnded={token !== null && usable === null}
    tokenStorage={window.sessionStorage}
    storage={window.localStorage}
  />,
);
