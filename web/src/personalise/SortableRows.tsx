import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { PinnedBadge } from '../dashboard/items';

export interface Row {
  readonly id: string;
  readonly name: string;
  readonly detail: string;
  readonly pinned: boolean;
}

interface RowActions {
  readonly onReorder: (ids: string[]) => void;
  readonly onHide: (row: Row) => void;
  readonly onTogglePin: (row: Row) => void;
}

const INSTRUCTIONS =
  'To move an item, press Space or Enter on its drag handle, use the arrow keys to move it, and Space or Enter to drop it. Escape cancels. The Up and Down buttons move it one place.';

function SortableRow({
  row,
  index,
  count,
  ids,
  onReorder,
  onHide,
  onTogglePin,
}: { row: Row; index: number; count: number; ids: string[] } & RowActions) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: row.id,
  });
  const first = index === 0;
  const last = index === count - 1;
  // aria-disabled rather than disabled: a button that vanishes from the tab order under the
  // keyboard user's focus (the row just became the last) would throw the focus to the page's top.
  const move = (to: number) => {
    if (to < 0 || to >= count) return;
    onReorder(arrayMove(ids, index, to));
  };
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={isDragging ? 'row row-dragging' : 'row'}
    >
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="drag-handle"
        {...attributes}
        {...listeners}
        aria-label={`Drag ${row.name}`}
      >
        <span aria-hidden="true">⠿</span>
      </button>
      <div className="row-main">
        <span className="item-name">{row.name}</span>
        {row.pinned && <PinnedBadge />}
        {row.detail !== '' && <span className="item-detail">{row.detail}</span>}
      </div>
      <div className="row-actions">
        <button type="button" aria-label={`Move ${row.name} up`} aria-disabled={first} onClick={() => move(index - 1)}>
          Up
        </button>
        <button type="button" aria-label={`Move ${row.name} down`} aria-disabled={last} onClick={() => move(index + 1)}>
          Down
        </button>
        <button
          type="button"
          aria-label={`${row.pinned ? 'Unpin' : 'Pin'} ${row.name}`}
          onClick={() => onTogglePin(row)}
        >
          {row.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button type="button" aria-label={`Hide ${row.name}`} onClick={() => onHide(row)}>
          Hide
        </button>
      </div>
    </li>
  );
}

/**
 * A section's visible items in the order the dashboard shows them, reorderable by pointer (after 5 px,
 * so a click on a handle is not a drag), by keyboard (dnd-kit's keyboard sensor) and by the Up and
 * Down buttons, which are the simplest way for anyone.
 */
export function SortableRows({ rows, onReorder, onHide, onTogglePin }: { rows: readonly Row[] } & RowActions) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = rows.map((row) => row.id);
  const nameOf = (id: UniqueIdentifier) => rows.find((row) => row.id === String(id))?.name ?? String(id);
  const position = (id: UniqueIdentifier) => `position ${ids.indexOf(String(id)) + 1} of ${ids.length}`;
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}.`,
    onDragOver: ({ active, over }) =>
      over === null ? `${nameOf(active.id)} is outside the list.` : `${nameOf(active.id)} is at ${position(over.id)}.`,
    onDragEnd: ({ active, over }) =>
      over === null
        ? `${nameOf(active.id)} was put back.`
        : `${nameOf(active.id)} was dropped at ${position(over.id)}.`,
    onDragCancel: ({ active }) => `Moving ${nameOf(active.id)} was cancelled.`,
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (over === null || active.id === over.id) return;
    const from = ids.indexOf(String(active.id));
    const to = ids.indexOf(String(over.id));
    if (from >= 0 && to >= 0) onReorder(arrayMove(ids, from, to));
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions: { draggable: INSTRUCTIONS } }}
    >
      <SortableContext items={ids} strategy={verticalListSortingStrategy}>
        <ul className="rows">
          {rows.map((row, index) => (
            <SortableRow
              key={row.id}
              row={row}
              index={index}
              count={rows.length}
              ids={ids}
              onReorder={onReorder}
              onHide={onHide}
              onTogglePin={onTogglePin}
            />
          ))}
        </ul>
      </SortableContext>
    </DndContext>
  );
}
