import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { LAYOUTS, Layout, SECTION_NAMES, type SectionName } from '../../../dashboard/contract/common.js';
import { PreferencesPatch } from '../../../dashboard/contract/preferences.js';
import { newIdempotencyKey } from '../api/idempotency-key';
import { sleep } from '../api/retry';
import { PageHeading } from '../app/PageHeading';
import { useServices } from '../app/services';
import { useDashboard } from '../dashboard/DashboardProvider';
import { LAYOUT_LABELS } from './choices';
import { CONFLICT_MESSAGE } from '../app/messages';
import { PreferencesEditor, type ChangeOutcome } from './preferences-editor';
import { hiddenRows, visibleRows, type OrderOverride } from './rows';
import { SectionEditor } from './SectionEditor';
import type { Row } from './SortableRows';

type Overrides = Partial<Record<SectionName, OrderOverride>>;

/** A section's part of a merge patch, checked against the contract (e.g. the section's sort modes). */
function sectionPatch(
  section: SectionName,
  change: { sort?: string; order?: string[]; hidden?: string[]; pinned?: string[] },
): PreferencesPatch | null {
  const parsed = PreferencesPatch.safeParse({ sections: { [section]: change } });
  return parsed.success ? parsed.data : null;
}

const STATUS_TEXT = { loading: '', ready: '', saving: 'Saving…', saved: 'Saved' } as const;

export function PersonalisePage() {
  const { api, notices } = useServices();
  const { state: dashboardState, refresh: refreshDashboard } = useDashboard();
  const dashboard = dashboardState.dashboard;
  const [editor] = useState(
    () =>
      new PreferencesEditor({
        load: () => api.preferences(),
        patch: (patch, version, key, quiet) => api.patchPreferences(patch, version, key, { quiet }),
        newIdempotencyKey,
        onConflict: () => {
          notices.report(CONFLICT_MESSAGE);
          void refreshDashboard();
        },
        sleep,
      }),
  );
  useEffect(() => {
    void editor.load();
  }, [editor]);
  const { preferences, status } = useSyncExternalStore(editor.subscribe, editor.snapshot);

  // Orders chosen here, shown until the rebuilt dashboard (which has them) arrives.
  const [overrides, setOverrides] = useState<Overrides>({});
  const overridesRef = useRef(overrides);
  const setOverride = (section: SectionName, override: OrderOverride | undefined) => {
    overridesRef.current = { ...overridesRef.current, [section]: override };
    setOverrides(overridesRef.current);
  };
  const clearOverrides = () => {
    overridesRef.current = {};
    setOverrides({});
  };

  const names = dashboardState.itemNames;
  const layoutId = useId();

  /** Sends one action; `order` (when given) is shown at once and taken back if the change does not stick. */
  const apply = async (patch: PreferencesPatch | null, section?: SectionName, order?: readonly string[]) => {
    if (patch === null) return;
    const before = section === undefined ? undefined : overridesRef.current[section];
    if (section !== undefined && order !== undefined)
      setOverride(section, { ids: order, dashboardVersion: dashboard?.version ?? -1 });
    const outcome: ChangeOutcome = await editor.change(patch);
    if (outcome === 'conflict') clearOverrides();
    else if (outcome !== 'saved' && section !== undefined && order !== undefined) setOverride(section, before);
  };

  if (preferences === null) {
    return (
      <>
        <PageHeading>Personalise</PageHeading>
        <p className="muted">
          {status === 'loading' ? 'Loading your preferences…' : "We couldn't load your preferences."}
        </p>
      </>
    );
  }

  const editorFor = (section: SectionName) => {
    const own = preferences.sections[section];
    const rows = visibleRows(dashboard, section, own, names, overrides[section]);
    const ids = rows.map((row) => row.id);
    const reorder = (next: string[]) => {
      // The order names every item, hidden ones after the visible, so showing one again puts it last.
      const order = [...next, ...own.hidden.filter((id) => !next.includes(id))];
      void apply(sectionPatch(section, { order, ...(own.sort === 'custom' ? {} : { sort: 'custom' }) }), section, next);
    };
    const hide = (row: Row) => void apply(sectionPatch(section, { hidden: [...own.hidden, row.id] }));
    const show = (id: string) =>
      void apply(sectionPatch(section, { hidden: own.hidden.filter((each) => each !== id) }), section, [...ids, id]);
    const togglePin = (row: Row) => {
      if (row.pinned) return void apply(sectionPatch(section, { pinned: own.pinned.filter((id) => id !== row.id) }));
      const pinned = [...own.pinned, row.id];
      // Pinned items lead, in pin order: shown so at once, as the server will order them.
      const order = [...pinned.filter((id) => ids.includes(id)), ...ids.filter((id) => !pinned.includes(id))];
      void apply(sectionPatch(section, { pinned }), section, order);
    };
    // The order shown stays until the re-sorted dashboard arrives; the server does the sorting.
    const sort = (mode: string) => void apply(sectionPatch(section, { sort: mode }));
    return (
      <SectionEditor
        key={section}
        section={section}
        preferences={own}
        rows={rows}
        hidden={hiddenRows(section, own, names, dashboard)}
        onSort={sort}
        onReorder={reorder}
        onHide={hide}
        onShow={show}
        onTogglePin={togglePin}
      />
    );
  };

  return (
    <>
      <PageHeading>Personalise</PageHeading>
      <p className="lead">
        Choose how your dashboard looks. Every change is saved at once and shown on all your devices.
      </p>
      <p role="status" className="save-status">
        {STATUS_TEXT[status]}
      </p>
      <div className="panel field">
        <label htmlFor={layoutId}>Layout</label>
        <select
          id={layoutId}
          value={preferences.layout}
          onChange={(event) => {
            const layout = Layout.safeParse(event.target.value);
            if (layout.success) void apply({ layout: layout.data });
          }}
        >
          {LAYOUTS.map((layout) => (
            <option key={layout} value={layout}>
              {LAYOUT_LABELS[layout]}
            </option>
          ))}
        </select>
      </div>
      {dashboard === null && (
        <p className="muted">Your dashboard is not loaded yet, so its items cannot be listed here.</p>
      )}
      {SECTION_NAMES.map(editorFor)}
    </>
  );
}
