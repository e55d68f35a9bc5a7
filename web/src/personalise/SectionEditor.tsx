import { useId } from 'react';
import type { SectionName } from '../../../dashboard/contract/common.js';
import type { SectionPreferences } from '../../../dashboard/contract/preferences.js';
import { SECTION_TITLES } from '../dashboard/sections';
import { SORT_CHOICES, SORT_LABELS } from './choices';
import { SortableRows, type Row } from './SortableRows';

export interface SectionEditorProps {
  readonly section: SectionName;
  readonly preferences: SectionPreferences;
  readonly rows: readonly Row[];
  readonly hidden: readonly { id: string; name: string }[];
  readonly onSort: (sort: string) => void;
  readonly onReorder: (ids: string[]) => void;
  readonly onHide: (row: Row) => void;
  readonly onShow: (id: string) => void;
  readonly onTogglePin: (row: Row) => void;
}

export function SectionEditor({
  section,
  preferences,
  rows,
  hidden,
  onSort,
  onReorder,
  onHide,
  onShow,
  onTogglePin,
}: SectionEditorProps) {
  const headingId = useId();
  const sortId = useId();
  const title = SECTION_TITLES[section];
  return (
    <section className="panel editor-section" aria-labelledby={headingId}>
      <div className="editor-head">
        <h2 id={headingId}>{title}</h2>
        <div className="field field-inline">
          <label htmlFor={sortId}>{SORT_LABELS[section]}</label>
          <select id={sortId} value={preferences.sort} onChange={(event) => onSort(event.target.value)}>
            {SORT_CHOICES[section].map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {rows.length === 0 ? (
        <p className="muted">Nothing to arrange here.</p>
      ) : (
        <SortableRows rows={rows} onReorder={onReorder} onHide={onHide} onTogglePin={onTogglePin} />
      )}
      {hidden.length > 0 && (
        <>
          <h3 className="hidden-heading">Hidden {title.toLowerCase()}</h3>
          <ul className="rows rows-hidden">
            {hidden.map((item) => (
              <li key={item.id} className="row">
                <div className="row-main">
                  <span className="item-name">{item.name}</span>
                  <span className="badge badge-quiet">Hidden</span>
                </div>
                <div className="row-actions">
                  <button type="button" aria-label={`Show ${item.name}`} onClick={() => onShow(item.id)}>
                    Show
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
