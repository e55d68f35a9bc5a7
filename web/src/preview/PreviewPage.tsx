import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import type { ClientProfile } from '../api/endpoints';
import { PageHeading } from '../app/PageHeading';
import { useServices } from '../app/services';
import { WEB_CLIENT } from '../config';
import { ProfileFields } from './ProfileFields';
import { profileTitle } from './profiles';
import { ReceivedDashboard } from './ReceivedDashboard';
import { useProfileDashboard, type ProfileDashboard } from './useProfileDashboard';

function Column({ title, children }: { title: string; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="panel preview-column" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

function Received({ result }: { result: ProfileDashboard }) {
  switch (result.state) {
    case 'idle':
    case 'loading':
      return <p className="muted">Loading…</p>;
    case 'failed':
      return <p className="muted">This dashboard could not be loaded.</p>;
    case 'ready':
      return <ReceivedDashboard dashboard={result.dashboard} profile={result.profile} level={3} />;
  }
}

const FIRST_PREVIEW: ClientProfile = { platform: 'ios', version: '1.4.0' };

/** Your dashboard as this app receives it, beside the same dashboard as another app version receives it. */
export function PreviewPage() {
  const { api } = useServices();
  const web = useProfileDashboard();
  const other = useProfileDashboard();
  const [choice, setChoice] = useState<ClientProfile>(FIRST_PREVIEW);
  const [shown, setShown] = useState<ClientProfile>(FIRST_PREVIEW);
  const { load: loadWeb } = web;
  const { load: loadOther } = other;

  useEffect(() => {
    void loadWeb(() => api.ownDashboard(WEB_CLIENT));
    void loadOther(() => api.ownDashboard(FIRST_PREVIEW));
  }, [api, loadWeb, loadOther]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const profile = { platform: choice.platform, version: choice.version.trim() };
    if (profile.version === '') return;
    setShown(profile);
    void loadOther(() => api.ownDashboard(profile));
  };

  return (
    <>
      <PageHeading>Preview</PageHeading>
      <p className="lead">
        See your dashboard as another app version receives it. Older apps get fewer sections and simpler offers.
      </p>
      <form className="panel profile-form" onSubmit={submit}>
        <ProfileFields profile={choice} onChange={setChoice} />
        <button type="submit" className="button-primary">
          Show preview
        </button>
      </form>
      <div className="preview-columns">
        <Column title="Web (this app)">
          <Received result={web.result} />
        </Column>
        <Column title={profileTitle(shown)}>
          <Received result={other.result} />
        </Column>
      </div>
    </>
  );
}
