import { canonicalize } from './canonical-json.js';
import type { CanonicalDashboard, ClientDashboard, Freshness } from './contract/dashboard.js';
import { DEFAULT_LAYOUT, type SectionName } from './contract/common.js';
import type { ClientWidget, Widget, WidgetData } from './contract/widget.js';
import type { ClientProfile } from './capabilities.js';

/**
 * What one app version receives. Nothing it cannot render reaches it: sections it does not know are
 * omitted, widgets are downgraded (declared fallback, then the generic fallback, then dropped), and a
 * layout or ordering it cannot honour becomes the default.
 */
export function renderForClient(canonical: CanonicalDashboard, profile: ClientProfile): ClientDashboard {
  const supports = (section: SectionName) => profile.sections.includes(section);
  const { accounts, partners, widgets } = canonical.sections;
  const layout =
    profile.features.customLayout && profile.layouts.includes(canonical.layout) ? canonical.layout : DEFAULT_LAYOUT;

  const rendered: ClientDashboard = {
    userId: canonical.userId,
    version: canonical.version,
    builtAt: canonical.builtAt,
    profile: profile.key,
    layout,
    sections: {
      accounts: supports('accounts') ? renderSection(accounts, (a) => a.id, profile) : undefined,
      partners: supports('partners') ? renderSection(partners, (p) => p.id, profile) : undefined,
      widgets: supports('widgets') ? renderWidgetSection(widgets, profile) : undefined,
    },
  };
  return canonicalize(rendered) as ClientDashboard;
}

interface OrderedSection<T> {
  freshness: Freshness;
  pinned: string[];
  defaultOrder: string[];
  items: T[];
}

/**
 * Without advanced ordering an app gets the default order and no pins. Hidden items stay hidden:
 * hiding is the user's wish about what is shown, which needs no capability to honour.
 */
function renderSection<T>(section: OrderedSection<T>, idOf: (item: T) => string, profile: ClientProfile) {
  if (profile.features.advancedOrdering) {
    return { freshness: section.freshness, pinned: [...section.pinned], items: [...section.items] };
  }
  const byId = new Map(section.items.map((item) => [idOf(item), item]));
  const items = section.defaultOrder.flatMap((id) => {
    const item = byId.get(id);
    return item === undefined ? [] : [item];
  });
  return { freshness: section.freshness, pinned: [], items };
}

function renderWidgetSection(section: OrderedSection<Widget>, profile: ClientProfile) {
  const ordered = renderSection(section, (w) => w.widget_id, profile);
  const items = renderWidgets(ordered.items, profile);
  // A pinned widget this app cannot show is dropped from the pins too: they list shown ids leading `items`.
  const shown = new Set(items.map((w) => w.widget_id));
  return { ...ordered, pinned: ordered.pinned.filter((id) => shown.has(id)), items };
}

/** Downgrades each widget for the profile, keeping the order; widgets with nothing renderable are dropped. */
export function renderWidgets(widgets: readonly Widget[], profile: ClientProfile): ClientWidget[] {
  return widgets.flatMap((widget) => {
    const rendered = renderWidget(widget, profile);
    return rendered === null ? [] : [rendered];
  });
}

export function renderWidget(widget: Widget, profile: ClientProfile): ClientWidget | null {
  const base = { widget_id: widget.widget_id, priority: widget.priority };
  const componentSupported = (type: string) => profile.componentTypes.includes(type);
  const requirementsMet = (widget.requires ?? []).every((capability) => hasFeature(profile, capability));

  if (requirementsMet && componentSupported(widget.component_type)) {
    return { ...base, component_type: widget.component_type, data: widget.data };
  }
  // The declared fallback was written for older apps, so it does not depend on the widget's requirements.
  if (widget.fallback !== undefined && componentSupported(widget.fallback.component_type)) {
    return { ...base, component_type: widget.fallback.component_type, data: widget.fallback.data };
  }
  const generic = profile.genericFallback;
  const data = genericData(widget.data);
  if (generic !== null && componentSupported(generic) && data !== null) {
    return { ...base, component_type: generic, data };
  }
  return null;
}

function hasFeature(profile: ClientProfile, capability: string): boolean {
  return Object.entries(profile.features).some(([name, enabled]) => name === capability && enabled);
}

/** The generic fallback shows text only: a title is needed, images and prices may not fit the component. */
function genericData(data: WidgetData): WidgetData | null {
  if (data.title === undefined) return null;
  return { title: data.title, subtitle: data.subtitle, content: data.content };
}
