import { useEffect, useId, useState, type FormEvent } from 'react';
import { hasExpired, readSession, type Session } from './token';

/**
 * Without a (valid) token, or after the server refused one. Tokens come from the dev login link
 * (`npm start` prints it) or `npm run token`; pasting one here is the same as opening that link.
 */
export function SignIn({ sessionEnded, onSignIn }: { sessionEnded: boolean; onSignIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const fieldId = useId();
  const problemId = useId();

  useEffect(() => {
    document.title = 'Sign in · Dashboard';
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const session = readSession(token);
    if (session === null) return setProblem('That is not an access token. Copy the whole token and try again.');
    if (hasExpired(session, Date.now())) return setProblem('That access token has expired. Ask for a new one.');
    onSignIn(session);
  };

  return (
    <main className="signin">
      <div className="panel signin-panel">
        <h1>Sign in</h1>
        {sessionEnded && <p className="notice">Your session has ended. Sign in again.</p>}
        <form onSubmit={submit} noValidate>
          <label htmlFor={fieldId}>Access token</label>
          <textarea
            id={fieldId}
            value={token}
            onChange={(event) => setToken(event.target.value)}
            rows={5}
            spellCheck={false}
            autoComplete="off"
            required
            aria-invalid={problem !== null}
            aria-describedby={problem === null ? undefined : problemId}
          />
          <p id={problemId} role="alert" className="field-problem">
            {problem}
          </p>
          <button type="submit" className="button-primary">
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
