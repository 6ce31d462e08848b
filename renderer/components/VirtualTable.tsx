/**
 * A virtualised ARIA grid (@tanstack/react-virtual) for tables of up to millions of rows: fixed
 * row height, only visible rows in the DOM, more pages requested as the end comes into view.
 * Keyboard: the grid is one tab stop; Up/Down/PageUp/PageDown/Home/End move the active row
 * (aria-activedescendant), Enter activates it; where the table has them, Space toggles the active
 * row (`onToggle`) and Ctrl+A / ⌘A selects all (`onSelectAll`, given the active row). When rows are prepended (live tail) while the
 * person is scrolled down, the scroll offset is shifted so what they look at stays put.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { VirtualRow } from './VirtualRow';
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';

export interface Column<T> {
  id: string;
  header: string;
  /** A CSS grid track, e.g. '8rem' or 'minmax(10rem, 2fr)'. */
  width: string;
  render: (row: T) => ReactNode;
  className?: string;
}

export interface VirtualTableProps<T> {
  label: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  rowHeight?: number;
  hasMore?: boolean;
  loadingMore?: boolean;
  onNeedMore?: () => void;
  onActivate?: (row: T) => void;
  /** Space on the active row (e.g. tick its checkbox). */
  onToggle?: (row: T) => void;
  /** Ctrl+A / ⌘A in the grid, with the active row (null when none). */
  onSelectAll?: (active: T | null) => void;
  rowClassName?: (row: T) => string | undefined;
  selectedKey?: string | null;
  empty?: ReactNode;
  /** Scroll to (and make active) the row with this key when it changes. */
  scrollToKey?: string | null;
}

export function VirtualTable<T>(props: VirtualTableProps<T>): ReactNode {
  const { rows, columns, rowKey, rowHeight = 32, hasMore, loadingMore, onNeedMore } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const id = useId();
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const template = useMemo(() => columns.map((c) => c.width).join(' '), [columns]);
  // Linear lookups only when a key is set: building a key->index map of 100k rows on every page
  // would cost a long task each time the list grows.
  const indexOf = useCallback(
    (key: string | null | undefined): number => (key ? rows.findIndex((r) => rowKey(r) === key) : -1),
    [rows, rowKey],
  );
  const activeIndex = useMemo(() => indexOf(activeKey), [indexOf, activeKey]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is the point of this component
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loadingMore && onNeedMore && lastIndex >= rows.length - 30) onNeedMore();
  }, [hasMore, loadingMore, onNeedMore, lastIndex, rows.length]);

  // Keep the view steady when rows are prepended above the viewport.
  const firstKeyRef = useRef<string | null>(null);
  useLayoutEffect(() => {
    const prev = firstKeyRef.current;
    const first = rows[0];
    firstKeyRef.current = first ? rowKey(first) : null;
    const el = scrollRef.current;
    if (!el || prev === null || el.scrollTop === 0 || !first || rowKey(first) === prev) return;
    // Rows were prepended (live tail): find how many, looking only near the top.
    let shift = -1;
    for (let i = 1; i < Math.min(rows.length, 10_000); i++) {
      if (rowKey(rows[i]!) === prev) {
        shift = i;
        break;
      }
    }
    if (shift > 0) el.scrollTop += shift * rowHeight;
  }, [rows, rowKey, rowHeight]);

  const { scrollToKey } = props;
  useEffect(() => {
    const i = indexOf(scrollToKey);
    if (i >= 0) virtualizer.scrollToIndex(i, { align: 'center' });
  }, [scrollToKey, indexOf, virtualizer]);

  const move = (to: number): void => {
    if (rows.length === 0) return;
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setActiveKey(rowKey(rows[i]!));
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 320) / rowHeight) - 1);
    const cur = activeIndex < 0 ? -1 : activeIndex;
    switch (e.key) {
      case 'ArrowDown':
        move(cur + 1);
        break;
      case 'ArrowUp':
        move(cur - 1);
        break;
      case 'PageDown':
        move(cur + page);
        break;
      case 'PageUp':
        move(cur - page);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(rows.length - 1);
        break;
      case 'Enter':
        if (activeIndex >= 0) props.onActivate?.(rows[activeIndex]!);
        break;
      case ' ':
        if (!props.onToggle) return;
        if (activeIndex >= 0) props.onToggle(rows[activeIndex]!);
        break;
      case 'a':
      case 'A':
        if (!props.onSelectAll || !(e.ctrlKey || e.metaKey)) return;
        props.onSelectAll(activeIndex >= 0 ? rows[activeIndex]! : null);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const rowId = (i: number): string => `${id}-r${i}`;

  return (
    <div
      className="vt"
      role="grid"
      aria-label={props.label}
      aria-rowcount={hasMore ? -1 : rows.length + 1}
      aria-activedescendant={activeIndex >= 0 ? rowId(activeIndex) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="vt-head">
        <div role="row" aria-rowindex={1} className="vt-row" style={{ gridTemplateColumns: template }}>
          {columns.map((c) => (
            <div role="columnheader" key={c.id} className={`vt-cell ${c.className ?? ''}`}>
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div className="vt-scroll" ref={scrollRef}>
        {rows.length === 0 && !loadingMore ? (
          <div className="vt-empty">{props.empty ?? 'Nothing to show.'}</div>
        ) : (
          <div
            role="rowgroup"
            style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
            onClick={(e) => {
              const el = (e.target as HTMLElement).closest('[data-index]');
              const row = el ? rows[Number(el.getAttribute('data-index'))] : undefined;
              if (!row) return;
              setActiveKey(rowKey(row));
              props.onActivate?.(row);
            }}
          >
            {items.map((v) => {
              const row = rows[v.index]!;
              const k = rowKey(row);
              return (
                <VirtualRow
                  key={k}
                  row={row}
                  rowKey={k}
                  index={v.index}
                  id={rowId(v.index)}
                  columns={columns}
                  template={template}
                  start={v.start}
                  height={rowHeight}
                  active={v.index === activeIndex}
                  selected={props.selectedKey === k}
                  extraClass={props.rowClassName?.(row)}
                />
              );
            })}
          </div>
        )}
        {loadingMore && <div className="vt-loading">Loading more…</div>}
      </div>
    </div>
  );
}
