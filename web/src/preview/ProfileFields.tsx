import { useId } from 'react';
import type { ClientProfile } from '../api/endpoints';
import { PLATFORMS } from './profiles';

/** Platform and app version: which app the dashboard is asked for, as the X-Client headers say it. */
export function ProfileFields({
  profile,
  onChange,
}: {
  profile: ClientProfile;
  onChange: (profile: ClientProfile) => void;
}) {
  const platformId = useId();
  const versionId = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={platformId}>Platform</label>
        <select
          id={platformId}
          value={profile.platform}
          onChange={(event) => onChange({ ...profile, platform: event.target.value })}
        >
          {PLATFORMS.map((platform) => (
            <option key={platform.value} value={platform.value}>
              {platform.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={versionId}>App version</label>
        <input
          id={versionId}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          required
          value={profile.version}
          onChange={(event) => onChange({ ...profile, version: event.target.value })}
        />
      </div>
    </>
  );
}
