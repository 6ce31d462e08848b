/**
 * "1,200 loaded (scroll for more)": how many rows of a paged list are in the table and whether
 * scrolling loads more.
 */
import type { ReactNode } from 'react';
import { fmtNum } from '../lib/format';

interface Props {
  count: number;
  hasMore: boolean;
  /** What the rows are, when the tab does not say it ("keys"). */
  noun?: string;
  children?: ReactNode;
}

export function LoadedCount({ count, hasMore, noun, children }: Props): ReactNode {
  return (
    <span className="muted">
      {fmtNum(count)}
      {noun ? ` ${noun}` : ''} loaded{hasMore ? ' (scroll for more)' : ''}
      {children}
    </span>
  );
}
