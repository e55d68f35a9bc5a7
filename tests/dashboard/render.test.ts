import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientDashboard, ClientProfile, Widget } from '../../dashboard/index.js';
import {
  ClientDashboard as ClientDashboardSchema,
  composeDashboard,
  renderForClient,
  renderWidgets,
} from '../../dashboard/index.js';
import { resolveClientProfile } from '../../config/capability-matrix.js';
import { preferencesArb, profileArb, sourcesArb, widgetArb } from './arbitraries.js';
import { NOW, richPreferences, richSources } from './fixtures.js';

const canonical = composeDashboard(richSources, richPreferences(), NOW);
const widgetIds = (d: ClientDashboard) => d.sections.widgets?.items.map((w) => `${w.widget_id}:${w.component_type}`);

describe('renderForClient: what each app version receives', () => {
  it('v1 gets accounts and partners only, in default order, list layout, no pins', () => {
    const v1 = renderForClient(canonical, resolveClientProfile('ios', '1.9.3'));
    expect(Object.keys(v1.sections)).toEqual(['accounts', 'partners']);
    expect(v1.layout).toBe('list');
    expect(v1.sections.accounts?.items.map((a) => a.id)).toEqual(canonical.sections.accounts.defaultOrder);
    expect(v1.sections.accounts?.pinned).toEqual([]);
    // Hidden stays hidden even where ordering is not personalised.
    expect(v1.sections.accounts?.items.map((a) => a.id)).not.toContain('acc-old');
  });

  it('v2 gets widgets, downgraded: fallback, then generic Card, else dropped', () => {
    const v2 = renderForClient(canonical, resolveClientProfile('android', '2.0.0'));
    expect(widgetIds(v2)).toEqual([
      'w-header:SectionHeader',
      'w-card-loan:Card',
      'w-grid-insurance:Card', // declared fallback
      'w-live-stocks:InfoBox', // needs live updates: its fallback
      'w-story:Card', // unknown type: generic fallback with the text only
      'w-info-tip:InfoBox',
    ]);
    const story = v2.sections.widgets?.items.find((w) => w.widget_id === 'w-story');
    expect(story?.data).toEqual({ title: 'Neu: Sparziele', subtitle: 'In 3 Schritten' });
    const live = v2.sections.widgets?.items.find((w) => w.widget_id === 'w-live-stocks');
    expect(live?.data.content).toBe('Stand von heute Morgen');
    expect(v2.layout).toBe('list');
  });

  it('v3 gets the custom layout and the personalised order', () => {
    const v3 = renderForClient(canonical, resolveClientProfile('web', '3.1.0'));
    expect(v3.layout).toBe('grid');
    expect(v3.sections.accounts?.items.map((a) => a.id)).toEqual(canonical.sections.accounts.items.map((a) => a.id));
    expect(v3.sections.accounts?.pinned).toEqual(['acc-savings']);
    expect(widgetIds(v3)?.[0]).toBe('w-header:SectionHeader');
  });

  it('v4 renders ProductGrid and live widgets as they are', () => {
    const v4 = renderForClient(canonical, resolveClientProfile('ios', '4.2.0'));
    expect(widgetIds(v4)).toContain('w-grid-insurance:ProductGrid');
    expect(widgetIds(v4)).toContain('w-live-stocks:InfoBox');
    expect(v4.sections.widgets?.items.find((w) => w.widget_id === 'w-live-stocks')?.data.content).toBe(
      'Ihr Depot in Echtzeit',
    );
  });

  it('drops a widget that has neither a usable fallback nor a title, and everything without a generic fallback', () => {
    const profile: ClientProfile = { ...resolveClientProfile('ios', '2.0.0'), genericFallback: null };
    const rendered = renderForClient(canonical, profile);
    expect(widgetIds(rendered)).not.toContain('w-chart:Card');
    expect(rendered.sections.widgets?.items.map((w) => w.widget_id)).not.toContain('w-story');
  });

  it('falls back to list when the app supports custom layouts but not this one', () => {
    const profile: ClientProfile = { ...resolveClientProfile('ios', '3.0.0'), layouts: ['list', 'compact'] };
    expect(renderForClient(canonical, profile).layout).toBe('list');
  });

  it('produces valid client documents', () => {
    for (const version of ['1.0.0', '2.0.0', '3.0.0', '4.0.0']) {
      const rendered = renderForClient(canonical, resolveClientProfile('ios', version));
      expect(ClientDashboardSchema.parse(rendered)).toEqual(rendered);
    }
  });
});

describe('renderForClient: properties', () => {
  const canonicalArb = fc
    .tuple(sourcesArb, preferencesArb)
    .map(([sources, prefs]) => composeDashboard(sources, prefs, NOW));

  it('never emits a section, component, layout or requirement the app does not support', () => {
    fc.assert(
      fc.property(canonicalArb, profileArb, (dashboard, profile) => {
        const rendered = renderForClient(dashboard, profile);
        for (const section of Object.keys(rendered.sections)) expect(profile.sections).toContain(section);
        expect(profile.layouts).toContain(rendered.layout);
        if (!profile.features.customLayout) expect(rendered.layout).toBe('list');
        for (const widget of rendered.sections.widgets?.items ?? []) {
          expect(profile.componentTypes).toContain(widget.component_type);
          expect(widget).not.toHaveProperty('requires');
          expect(widget).not.toHaveProperty('fallback');
        }
        expect(rendered.profile).toBe(profile.key);
      }),
    );
  });

  it('keeps every supported section and only reorders as the profile allows', () => {
    fc.assert(
      fc.property(canonicalArb, profileArb, (dashboard, profile) => {
        const rendered = renderForClient(dashboard, profile);
        for (const name of ['accounts', 'partners'] as const) {
          const section = rendered.sections[name];
          if (!profile.sections.includes(name)) continue;
          const ids = section?.items.map((item) => item.id);
          const expected = profile.features.advancedOrdering
            ? dashboard.sections[name].items.map((item) => item.id)
            : dashboard.sections[name].defaultOrder;
          expect(ids).toEqual(expected);
          expect(section?.freshness).toEqual(dashboard.sections[name].freshness);
        }
      }),
    );
  });

  it('lists as pinned only what it shows, leading the items in the pinned order', () => {
    fc.assert(
      fc.property(canonicalArb, profileArb, (dashboard, profile) => {
        const rendered = renderForClient(dashboard, profile);
        for (const section of [rendered.sections.accounts, rendered.sections.partners, rendered.sections.widgets]) {
          if (section === undefined) continue;
          const ids = section.items.map((item) => ('widget_id' in item ? item.widget_id : item.id));
          expect(ids.slice(0, section.pinned.length)).toEqual(section.pinned);
        }
      }),
    );
  });

  it('is idempotent: a rendered widget renders as itself, and rendering twice gives the same bytes', () => {
    fc.assert(
      fc.property(
        fc.array(widgetArb, { maxLength: 10 }),
        canonicalArb,
        profileArb,
        (widgets: Widget[], dashboard, profile) => {
          const once = renderWidgets(widgets, profile);
          expect(renderWidgets(once, profile)).toEqual(once);
          expect(JSON.stringify(renderForClient(dashboard, profile))).toBe(
            JSON.stringify(renderForClient(dashboard, profile)),
          );
        },
      ),
    );
  });
});
