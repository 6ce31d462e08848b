/**
 * One row of the VirtualTable, memoised: while scrolling, rows that stay in view are not
 * re-rendered, so a frame only pays for the rows that scroll in. Clicks are handled by the table
 * (event delegation on `data-index`), so the row's props stay stable.
 */
import { memo, type ReactNode } from 'react';
import type { Column } from './VirtualTable';

interface Props<T> {
  row: T;
  rowKey: string;
  index: number;
  id: string;
  columns: Column<T>[];
  template: string;
  start: number;
  height: number;
  active: boolean;
  selected: boolean;
  extraClass: string | undefined;
}

function VirtualRowImpl<T>(p: Props<T>): ReactNode {
  return (
    <div
      role="row"
      id={p.id}
      aria-rowindex={p.index + 2}
      aria-selected={p.selected}
      data-key={p.rowKey}
      data-index={p.index}
      className={`vt-row vt-body-row ${p.active ? 'active' : ''} ${p.selected ? 'selected' : ''} ${p.extraClass ?? ''}`}
      style={{ gridTemplateColumns: p.template, height: p.height, transform: `translateY(${p.start}px)` }}
    >
      {p.columns.map((c) => (
        <div role="gridcell" key={c.id} className={`vt-cell ${c.className ?? ''}`}>
          {c.render(p.row)}
        </div>
      ))}
    </div>
  );
}

export const VirtualRow = memo(VirtualRowImpl) as typeof VirtualRowImpl;
