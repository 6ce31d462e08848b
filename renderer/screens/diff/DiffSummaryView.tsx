/**
 * The counts of a comparison, one per category; a click on a count filters the result table.
 */
import type { ReactNode } from 'react';
import type { DiffStatus, DiffSummary } from '../../../src-core/model/types';
import { fmtNum } from '../../lib/format';

export const STATUS_LABEL: Record<DiffStatus, string> = {
  equal: 'Equal',
  different: 'Different',
  missingInStore: 'Missing in store',
  missingInSnapshot: 'Missing in snapshot',
};

const ORDER: DiffStatus[] = ['different', 'missingInStore', 'missingInSnapshot', 'equal'];

export function DiffSummaryView({
  summary,
  onPick,
}: {
  summary: DiffSummary;
  onPick: (s: DiffStatus) => void;
}): ReactNode {
  return (
    <section className="diff-summary" aria-label="Diff summary">
      {ORDER.map((s) => (
        <button key={s} type="button" className={`summary-card status-${s}`} onClick={() => onPick(s)}>
          <span className="summary-count" data-testid={`count-${s}`}>
            {fmtNum(summary[s])}
          </span>
          <span className="summary-label">{STATUS_LABEL[s]}</span>
        </button>
      ))}
      <div className="summary-meta muted">
        {fmtNum(summary.snapshotRecords)} snapshot records · {fmtNum(summary.surfaceRows)} surface rows
      </div>
    </section>
  );
}
