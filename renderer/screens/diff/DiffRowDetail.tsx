/**
 * One diff row field by field, store against snapshot, differing fields highlighted, with a link
 * to the transaction behind the store value.
 */
import type { ReactNode } from 'react';
import type { DiffRow } from '../../../src-core/model/types';
import { CompareTable } from '../../components/CompareTable';
import { cellText } from '../../lib/format';
import { fieldsOf } from '../../lib/diff-fields';
import { STATUS_LABEL } from './DiffSummaryView';

interface Props {
  row: DiffRow;
  keyField: string;
  onOpenTxn: (txn: number) => void;
  onClose: () => void;
}

export function DiffRowDetail({ row, keyField, onOpenTxn, onClose }: Props): ReactNode {
  const fields = fieldsOf(row, keyField);
  return (
    <aside
      className="detail-panel"
      aria-label={`Diff of ${row.key}`}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <header className="detail-head">
        <h2>
          {row.key} <span className={`badge status-${row.status}`}>{STATUS_LABEL[row.status]}</span>
        </h2>
        <button type="button" className="icon-button" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </header>
      {row.store && (
        <button type="button" className="link-button" onClick={() => onOpenTxn(row.store!.txn)}>
          Open transaction {row.store.txn}
        </button>
      )}
      <CompareTable
        className="compare"
        label="Fields compared"
        heads={['Field', 'Store', 'Snapshot']}
        rows={fields.map((f) => ({
          name: f.field,
          left: f.store === undefined ? '—' : cellText(f.store),
          right: f.snapshot === undefined ? '—' : cellText(f.snapshot),
          differs: f.differs,
        }))}
      />
    </aside>
  );
}
