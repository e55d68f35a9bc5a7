import type { ClientProfile } from '../api/endpoints';

/** The platforms of the capability matrix (config/capabilities.json), as people name them. */
export const PLATFORMS = [
  { value: 'ios', label: 'iOS' },
  { value: 'android', label: 'Android' },
  { value: 'web', label: 'Web' },
] as const;

/** "iOS 1.4.0": how an app version is named in headings. */
export function profileTitle(profile: ClientProfile): string {
  const platform = PLATFORMS.find((each) => each.value === profile.platform)?.label ?? profile.platform;
  return `${platform} ${profile.version}`;
}
