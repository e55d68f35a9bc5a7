import { useCallback, useId, useRef, useState, type FormEvent } from 'react';
import type { ClientProfile } from '../api/endpoints';
import type { UserWorkflows } from '../api/schemas';
import { PageHeading } from '../app/PageHeading';
import { useServices } from '../app/services';
import { WEB_CLIENT } from '../config';
import { ProfileFields } from '../preview/ProfileFields';
import { profileTitle } from '../preview/profiles';
import { ReceivedDashboard } from '../preview/ReceivedDashboard';
import { useProfileDashboard } from '../preview/useProfileDashboard';
import { FailedRebuilds } from './FailedRebuilds';
import { WorkflowsTable } from './WorkflowsTable';

interface Lookup {
  readonly userId: string;
  readonly profile: ClientProfile;
}

/**
 * For operators (admin tokens): a user's dashboard as a chosen app receives it, with each section's
 * freshness; their recent workflows with links into the Temporal UI; a rebuild on demand; and the
 * rebuilds that failed lately, each replayable. Everything goes through the API's admin endpoints.
 */
export function OpsPage() {
  const { api } = useServices();
  const userIdField = useId();
  const headingId = useId();
  const [userId, setUserId] = useState('');
  const [profile, setProfile] = useState<ClientProfile>(WEB_CLIENT);
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const { result: dashboard, load: loadDashboard } = useProfileDashboard();
  const [workflows, setWorkflows] = useState<UserWorkflows | null>(null);
  const [workflowsFailed, setWorkflowsFailed] = useState(false);
  const [rebuildMessage, setRebuildMessage] = useState('');
  const [rebuilding, setRebuilding] = useState(false);
  // Only the latest lookup's workflows are shown: an earlier, slower answer is dropped.
  const latestLookup = useRef(0);

  const loadUser = useCallback(
    (next: Lookup) => {
      void loadDashboard(() => api.userDashboard(next.userId, next.profile));
      const request = ++latestLookup.current;
      void (async () => {
        try {
          const found = await api.userWorkflows(next.userId);
          if (request !== latestLookup.current) return;
          setWorkflows(found);
          setWorkflowsFailed(false);
        } catch {
          if (request === latestLookup.current) setWorkflowsFailed(true);
        }
      })();
    },
    [api, loadDashboard],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = { userId: userId.trim(), profile: { platform: profile.platform, version: profile.version.trim() } };
    if (next.userId === '') return;
    setLookup(next);
    setRebuildMessage('');
    loadUser(next);
  };

  const rebuild = async () => {
    if (lookup === null || rebuilding) return;
    setRebuilding(true);
    setRebuildMessage('Rebuilding…');
    try {
      const result = await api.rebuild(lookup.userId, 'admin');
      setRebuildMessage(`Rebuilt: version ${result.version}`);
      loadUser(lookup);
    } catch {
      setRebuildMessage('The rebuild did not finish');
    } finally {
      setRebuilding(false);
    }
  };

  return (
    <>
      <PageHeading>Ops console</PageHeading>
      <form className="panel profile-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={userIdField}>User id</label>
          <input
            id={userIdField}
            type="text"
            autoComplete="off"
            spellCheck={false}
            required
            value={userId}
            onChange={(event) => setUserId(event.target.value)}
          />
        </div>
        <ProfileFields profile={profile} onChange={setProfile} />
        <button type="submit" className="button-primary">
          Find user
        </button>
      </form>
      {lookup !== null && (
        <section className="panel" aria-labelledby={headingId}>
          <div className="editor-head">
            <h2 id={headingId}>
              {lookup.userId} as {profileTitle(lookup.profile)} receives it
            </h2>
            <button type="button" onClick={() => void rebuild()}>
              Rebuild now
            </button>
          </div>
          <p role="status" className="save-status">
            {rebuildMessage}
          </p>
          {dashboard.state === 'ready' ? (
            <ReceivedDashboard dashboard={dashboard.dashboard} profile={dashboard.profile} level={3} />
          ) : (
            <p className="muted">
              {dashboard.state === 'failed' ? "This user's dashboard could not be loaded." : 'Loading the dashboard…'}
            </p>
          )}
          {workflows !== null && workflows.userId === lookup.userId ? (
            <WorkflowsTable workflows={workflows} />
          ) : (
            <p className="muted">{workflowsFailed ? 'The workflows could not be loaded.' : 'Loading the workflows…'}</p>
          )}
        </section>
      )}
      <FailedRebuilds />
    </>
  );
}
