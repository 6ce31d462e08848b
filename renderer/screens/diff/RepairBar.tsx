/**
 * The repair selection above the diff rows: one "All N …" box per category (all of it, loaded or
 * not; mixed when some of its rows are ticked), how many rows are picked, and "Repair selected",
 * disabled with the reason when there is nothing to repair or the selection cannot be repaired in
 * one request. Shown only where the connection may repair (the caller decides).
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { DiffSummary, RepairInclude } from '../../../src-core/model/types';
import { fmtNum } from '../../lib/format';
import { REPAIR_CATEGORIES, type RepairSelection, categoryState, selectedCount } from '../../lib/repair-selection';
import { STATUS_LABEL } from './DiffSummaryView';

interface Props {
  summary: DiffSummary;
  selection: RepairSelection;
  onToggleCategory: (cat: RepairInclude) => void;
  /** Why "Repair selected" is disabled, or null when it is enabled. */
  blocked: string | null;
  onRepair: () => void;
}

function CategoryBox({
  cat,
  count,
  state,
  onToggle,
}: {
  cat: RepairInclude;
  count: number;
  state: 'all' | 'some' | 'none';
  onToggle: () => void;
}): ReactNode {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <label className="inline-field">
      <input ref={ref} type="checkbox" checked={state === 'all'} disabled={count === 0} onChange={onToggle} />
      All {fmtNum(count)} {STATUS_LABEL[cat].toLowerCase()}
    </label>
  );
}

export function RepairBar({ summary, selection, onToggleCategory, blocked, onRepair }: Props): ReactNode {
  const n = selectedCount(selection, summary);
  const whyId = useId();
  return (
    <div className="toolbar repair-bar" role="group" aria-label="Repair selection">
      {REPAIR_CATEGORIES.map((cat) => (
        <CategoryBox
          key={cat}
          cat={cat}
          count={summary[cat]}
          state={categoryState(selection, cat)}
          onToggle={() => onToggleCategory(cat)}
        />
      ))}
      <span className="spacer" />
      <span className="muted" data-testid="repair-selected-count">
        {fmtNum(n)} selected
      </span>
      <button
        type="button"
        className="primary"
        disabled={blocked !== null}
        title={blocked ?? undefined}
        aria-describedby={blocked !== null ? whyId : undefined}
        onClick={onRepair}
      >
        Repair selected
      </button>
      {blocked !== null && (
        <span id={whyId} className="muted">
          {blocked}
        </span>
      )}
    </div>
  );
}
