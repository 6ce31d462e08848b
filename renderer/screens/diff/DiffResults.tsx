/**
 * The result rows of a comparison: filter by status and key, a virtualised table with the
 * differing fields highlighted (store → snapshot), a link from each row to the transaction behind
 * the store value, the topic state compared with (`asOf`), and "Export" of the rows as CSV /
 * NDJSON (with the comparison options, lib/diff-export.ts). Where the connection may repair, a
 * checkbox per non-equal row and the repair bar (RepairBar.tsx); in the grid Space ticks the
 * active row and Ctrl+A / ⌘A picks all of the category the status filter shows (with "All", the
 * active row's category, else Different). Rows a repair just wrote show as equal, "repaired", with
 * the link to the repair transaction (lib/repaired-rows.ts).
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { DiffFileOptions } from '../../../src-core/export/diff';
import type { DiffResult, DiffRow, DiffStatus, RepairInclude } from '../../../src-core/model/types';
import { saveBlob } from '../../api/download';
import { ExportControl } from '../../components/ExportControl';
import { SearchBox } from '../../components/SearchBox';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { fieldsOf } from '../../lib/diff-fields';
import { diffExportFile } from '../../lib/diff-export';
import { cellText, fmtNum } from '../../lib/format';
import { isRepairable, isSelected, type RepairSelection } from '../../lib/repair-selection';
import { type Repaired, withRepaired } from '../../lib/repaired-rows';
import { RepairBar } from './RepairBar';
import { DiffRowDetail } from './DiffRowDetail';
import { DiffSummaryView, STATUS_LABEL } from './DiffSummaryView';

interface Props {
  topic: string;
  result: DiffResult;
  keyField: string;
  /** The options the comparison ran with (recorded in the export). */
  options?: DiffFileOptions | undefined;
  onOpenTxn: (txn: number) => void;
  /** Keys a repair just wrote (shown as equal, linked to the repair transaction). */
  repaired: Repaired;
  /** The repair selection and its actions; absent where the connection may not repair. */
  repair?: RepairControls | undefined;
}

export interface RepairControls {
  selection: RepairSelection;
  onToggleRow: (row: DiffRow) => void;
  onToggleCategory: (cat: RepairInclude) => void;
  onSelectCategory: (cat: RepairInclude) => void;
  /** Why "Repair selected" is disabled, or null. */
  blocked: string | null;
  onRepair: () => void;
}

export function DiffResults({ topic, result, keyField, options, onOpenTxn, repaired, repair }: Props): ReactNode {
  const [status, setStatus] = useState<DiffStatus | 'all'>('all');
  const [keyText, setKeyText] = useState('');
  const [selected, setSelected] = useState<DiffRow | null>(null);
  const all = useMemo(() => withRepaired(result, repaired), [result, repaired]);
  const rows = useMemo(() => {
    const q = keyText.trim().toLowerCase();
    return all.filter((r) => (status === 'all' || r.status === status) && (!q || r.key.toLowerCase().includes(q)));
  }, [all, status, keyText]);
  const selection = repair?.selection;
  const onToggleRow = repair?.onToggleRow;

  const columns: Column<DiffRow>[] = useMemo(
    () => [
      ...(selection && onToggleRow
        ? [
            {
              id: 'pick',
              header: '',
              width: '2.25rem',
              className: 'pick',
              render: (r: DiffRow) =>
                isRepairable(r.status) ? (
                  <input
                    type="checkbox"
                    tabIndex={-1}
                    aria-label={`Select ${r.key}`}
                    checked={isSelected(selection, r)}
                    onClick={(e) => e.stopPropagation()}
                    onChange={() => onToggleRow(r)}
                  />
                ) : null,
            },
          ]
        : []),
      { id: 'key', header: 'Key', width: 'minmax(8rem, 1fr)', className: 'mono', render: (r) => r.key },
      {
        id: 'status',
        header: 'Status',
        width: '10rem',
        render: (r) => <span className={`badge status-${r.status}`}>{STATUS_LABEL[r.status]}</span>,
      },
      {
        id: 'fields',
        header: 'Differences (store → snapshot)',
        width: 'minmax(14rem, 3fr)',
        className: 'mono',
        render: (r) =>
          r.status === 'different' ? (
            fieldsOf(r, keyField)
              .filter((f) => f.differs)
              .map((f) => (
                <span key={f.field} className="diff-field">
                  <mark>{f.field}</mark> {f.store === undefined ? '—' : cellText(f.store)} →{' '}
                  {f.snapshot === undefined ? '—' : cellText(f.snapshot)}
                </span>
              ))
          ) : r.status === 'missingInStore' ? (
            'only in the snapshot'
          ) : r.status === 'missingInSnapshot' ? (
            'only in the store'
          ) : repaired.has(r.key) ? (
            <span className="badge badge-ok">repaired</span>
          ) : (
            ''
          ),
      },
      {
        id: 'txn',
        header: 'Store txn',
        width: '7rem',
        render: (r) =>
          r.store ? (
            <button
              type="button"
              className="link-button"
              aria-label={`Open transaction ${r.store.txn} for ${r.key}`}
              onClick={(e) => {
                e.stopPropagation();
                onOpenTxn(r.store!.txn);
              }}
            >
              txn {r.store.txn}
            </button>
          ) : (
            '—'
          ),
      },
    ],
    [keyField, onOpenTxn, repaired, selection, onToggleRow],
  );

  /** Ctrl+A / ⌘A: all of the category the filter shows, else of the active row, else Different. */
  const selectAll = (active: DiffRow | null): void => {
    if (!repair) return;
    const cat = status !== 'all' ? status : (active?.status ?? 'different');
    if (isRepairable(cat)) repair.onSelectCategory(cat);
  };

  return (
    <div className="diff-results">
      <DiffSummaryView summary={result.summary} onPick={setStatus} />
      <p className="muted" data-testid="diff-as-of">
        {result.asOf.maxTxn === 0
          ? 'Compared with an empty topic.'
          : `Compared with the topic as of txn ${fmtNum(result.asOf.maxTxn)} (seq ${fmtNum(result.asOf.maxSeq)}).`}
      </p>
      {result.truncated && (
        <p className="notice">
          Showing the first {fmtNum(result.rows.length)} differing rows; the counts above are complete. Export the
          surface or use the CLI (`tidemark diff`) for every row.
        </p>
      )}
      {repair && (
        <RepairBar
          summary={result.summary}
          selection={repair.selection}
          onToggleCategory={repair.onToggleCategory}
          blocked={repair.blocked}
          onRepair={repair.onRepair}
        />
      )}
      <div className="toolbar">
        <label className="inline-field">
          Filter by status
          <select value={status} onChange={(e) => setStatus(e.target.value as DiffStatus | 'all')}>
            <option value="all">All</option>
            {(Object.keys(STATUS_LABEL) as DiffStatus[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <SearchBox label="Filter results by key" placeholder="Key contains…" value={keyText} onChange={setKeyText} />
        <span className="spacer" />
        <span className="muted">{fmtNum(rows.length)} rows</span>
        <ExportControl
          onExport={(format) => {
            // The diff's own rows: an equal row shown for a repaired key is not one of them.
            const own = new Set(result.rows);
            const out = rows.filter((r) => own.has(r));
            const file = diffExportFile(topic, out, format, options);
            saveBlob(new Blob([file.text], { type: file.type }), file.name);
            return Promise.resolve({ rows: out.length, savedAs: file.name });
          }}
        />
      </div>
      <div className="with-detail">
        <div className="tab-main">
          <VirtualTable
            label="Diff results"
            rows={rows}
            columns={columns}
            rowKey={(r) => r.key}
            rowHeight={36}
            onActivate={setSelected}
            {...(repair ? { onToggle: repair.onToggleRow, onSelectAll: selectAll } : {})}
            selectedKey={selected?.key ?? null}
            empty="No row matches the filters."
          />
        </div>
        {selected && (
          <DiffRowDetail row={selected} keyField={keyField} onOpenTxn={onOpenTxn} onClose={() => setSelected(null)} />
        )}
      </div>
    </div>
  );
}
