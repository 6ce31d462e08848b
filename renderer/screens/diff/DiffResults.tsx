/**
 * The result rows of a comparison: filter by status and key, a virtualised table with the
 * differing fields highlighted (store → snapshot), a link from each row to the transaction behind
 * the store value, the topic state compared with (`asOf`), and "Export" of the rows as CSV /
 * NDJSON (with the comparison options, lib/diff-export.ts).
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { DiffFileOptions } from '../../../src-core/export/diff';
import type { DiffResult, DiffRow, DiffStatus } from '../../../src-core/model/types';
import { saveBlob } from '../../api/download';
import { ExportControl } from '../../components/ExportControl';
import { SearchBox } from '../../components/SearchBox';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { fieldsOf } from '../../lib/diff-fields';
import { diffExportFile } from '../../lib/diff-export';
import { cellText, fmtNum } from '../../lib/format';
import { DiffRowDetail } from './DiffRowDetail';
import { DiffSummaryView, STATUS_LABEL } from './DiffSummaryView';

interface Props {
  topic: string;
  result: DiffResult;
  keyField: string;
  /** The options the comparison ran with (recorded in the export). */
  options?: DiffFileOptions | undefined;
  onOpenTxn: (txn: number) => void;
}

export function DiffResults({ topic, result, keyField, options, onOpenTxn }: Props): ReactNode {
  const [status, setStatus] = useState<DiffStatus | 'all'>('all');
  const [keyText, setKeyText] = useState('');
  const [selected, setSelected] = useState<DiffRow | null>(null);
  const rows = useMemo(() => {
    const q = keyText.trim().toLowerCase();
    return result.rows.filter(
      (r) => (status === 'all' || r.status === status) && (!q || r.key.toLowerCase().includes(q)),
    );
  }, [result.rows, status, keyText]);

  const columns: Column<DiffRow>[] = useMemo(
    () => [
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
          r.status === 'different'
            ? fieldsOf(r, keyField)
                .filter((f) => f.differs)
                .map((f) => (
                  <span key={f.field} className="diff-field">
                    <mark>{f.field}</mark> {f.store === undefined ? '—' : cellText(f.store)} →{' '}
                    {f.snapshot === undefined ? '—' : cellText(f.snapshot)}
                  </span>
                ))
            : r.status === 'missingInStore'
              ? 'only in the snapshot'
              : r.status === 'missingInSnapshot'
                ? 'only in the store'
                : '',
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
    [keyField, onOpenTxn],
  );

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
            const file = diffExportFile(topic, rows, format, options);
            saveBlob(new Blob([file.text], { type: file.type }), file.name);
            return Promise.resolve({ rows: rows.length, savedAs: file.name });
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
