import type { ReactNode } from 'react';
import { useId } from 'react';
import type { ClientDashboard, Freshness } from '../../../dashboard/contract/dashboard.js';
import type { SectionName } from '../../../dashboard/contract/common.js';
import { deeper, Heading, type HeadingLevel } from '../ui/Heading';
import { freshnessText } from './freshness';
import { AccountItem, PartnerItem, PinnedBadge } from './items';
import { SECTION_TITLES } from './sections';
import { renderable, Widget } from './widgets/Widget';

interface SectionProps {
  readonly name: SectionName;
  readonly freshness: Freshness;
  readonly level: HeadingLevel;
  readonly empty: boolean;
  readonly children: ReactNode;
}

function Section({ name, freshness, level, empty, children }: SectionProps) {
  const headingId = useId();
  return (
    <section className={`dashboard-section section-${name}`} aria-labelledby={headingId}>
      <div className="section-head">
        <Heading level={level} id={headingId}>
          {SECTION_TITLES[name]}
        </Heading>
        <p className={freshness.stale || freshness.asOf === null ? 'freshness freshness-stale' : 'freshness'}>
          {freshnessText(name, freshness)}
        </p>
      </div>
      {empty ? <p className="section-empty">Nothing to show here.</p> : children}
    </section>
  );
}

/**
 * A dashboard as one app profile received it, read-only: the dashboard page, the preview and the ops
 * console all show it this way. Sections the profile did not receive are absent, not empty: that app
 * version cannot show them. Items come in the server's order, pinned ones first.
 */
export function DashboardSections({ dashboard, level }: { dashboard: ClientDashboard; level: HeadingLevel }) {
  const { accounts, partners, widgets } = dashboard.sections;
  const shownWidgets = (widgets?.items ?? []).flatMap((widget) => {
    const shown = renderable(widget);
    return shown === null ? [] : [{ id: widget.widget_id, shown }];
  });
  const itemLevel = deeper(level);
  return (
    <div className={`sections layout-${dashboard.layout}`}>
      {accounts !== undefined && (
        <Section name="accounts" freshness={accounts.freshness} level={level} empty={accounts.items.length === 0}>
          <ul className="items">
            {accounts.items.map((account) => (
              <li key={account.id}>
                <AccountItem account={account} pinned={accounts.pinned.includes(account.id)} />
              </li>
            ))}
          </ul>
        </Section>
      )}
      {partners !== undefined && (
        <Section name="partners" freshness={partners.freshness} level={level} empty={partners.items.length === 0}>
          <ul className="items">
            {partners.items.map((partner) => (
              <li key={partner.id}>
                <PartnerItem partner={partner} pinned={partners.pinned.includes(partner.id)} />
              </li>
            ))}
          </ul>
        </Section>
      )}
      {widgets !== undefined && (
        <Section name="widgets" freshness={widgets.freshness} level={level} empty={shownWidgets.length === 0}>
          <ul className="items items-widgets">
            {shownWidgets.map(({ id, shown }) => (
              <li key={id} className={`widget-item widget-item-${shown.type}`}>
                {widgets.pinned.includes(id) && <PinnedBadge />}
                <Widget widget={shown} titleLevel={itemLevel} />
              </li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}
