import { SECTION_NAMES, type SectionName } from '../../../dashboard/contract/common.js';
import type { ClientDashboard } from '../../../dashboard/contract/dashboard.js';
import { DashboardSections } from '../dashboard/DashboardSections';
import { SECTION_TITLES } from '../dashboard/sections';
import { LAYOUT_LABELS } from '../personalise/choices';
import type { HeadingLevel } from '../ui/Heading';

function itemCount(n: number): string {
  return n === 1 ? '1 item' : `${n} items`;
}

/** What one section of a received dashboard holds, or that the app version does not get it at all. */
function receivedLine(dashboard: ClientDashboard, section: SectionName): string {
  const title = SECTION_TITLES[section];
  const { accounts, partners, widgets } = dashboard.sections;
  switch (section) {
    case 'accounts':
      return accounts === undefined
        ? `No ${title.toLowerCase()} section in this app version`
        : `${title}: ${itemCount(accounts.items.length)}`;
    case 'partners':
      return partners === undefined
        ? `No ${title.toLowerCase()} section in this app version`
        : `${title}: ${itemCount(partners.items.length)}`;
    case 'widgets': {
      if (widgets === undefined) return `No ${title.toLowerCase()} section in this app version`;
      const types = [...new Set(widgets.items.map((widget) => widget.component_type))];
      return `${title}: ${itemCount(widgets.items.length)}${types.length > 0 ? ` as ${types.join(', ')}` : ''}`;
    }
  }
}

/**
 * A dashboard as one app profile receives it: the profile the server chose (X-Dashboard-Profile),
 * what it received in words, and the dashboard itself, read-only, with the app's own renderers.
 */
export function ReceivedDashboard({
  dashboard,
  profile,
  level,
}: {
  dashboard: ClientDashboard;
  profile: string | null;
  level: HeadingLevel;
}) {
  return (
    <>
      <p className="profile-key">Profile: {profile ?? dashboard.profile}</p>
      <ul className="received">
        <li>Layout: {LAYOUT_LABELS[dashboard.layout].toLowerCase()}</li>
        {SECTION_NAMES.map((section) => (
          <li key={section}>{receivedLine(dashboard, section)}</li>
        ))}
      </ul>
      <DashboardSections dashboard={dashboard} level={level} />
    </>
  );
}
