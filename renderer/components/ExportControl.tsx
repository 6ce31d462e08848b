/**
 * "Export": a format choice (CSV / NDJSON) and a button, then, while the export runs, its progress
 * (rows saved, out of the total when the store knows it) and Cancel, and at the end how many rows
 * were saved, that it was cancelled, or why it failed. The caller does the exporting with the
 * `LongOperation` it is handed (lib/use-long-operation.ts: progress, the signal and the cancel
 * function); one that finishes at once may ignore it.
 */
import { useState, type ReactNode } from 'react';
import type { ExportFormat, LongOperation } from '../../src-core/model/store-api';
import { toApiError } from '../api/errors';
import { fmtNum } from '../lib/format';
import { useLongOperation } from '../lib/use-long-operation';

interface Props {
  onExport: (format: ExportFormat, op: LongOperation) => Promise<{ rows: number; savedAs: string | null }>;
  disabled?: boolean;
}

export function ExportControl({ onExport, disabled }: Props): ReactNode {
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const long = useLongOperation();
  const { progress } = long;
  const determinate = progress !== null && progress.total !== null && progress.total > 0;
  return (
    <div className="export-control">
      <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
        <option value="csv">CSV</option>
        <option value="ndjson">NDJSON</option>
      </select>
      <button
        type="button"
        disabled={disabled || busy}
        onClick={() => {
          setBusy(true);
          setMessage(null);
          onExport(format, long.start())
            .then((r) => setMessage(r.savedAs ? `Exported ${fmtNum(r.rows)} rows to ${r.savedAs}` : 'Export cancelled'))
            .catch((err: unknown) => {
              const e = toApiError(err);
              setMessage(e.code === 'CANCELLED' ? 'Export cancelled' : `Export failed: ${e.message}`);
            })
            .finally(() => {
              long.settle();
              setBusy(false);
            });
        }}
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {busy && (
        <>
          {determinate ? (
            <progress aria-label="Export progress" max={progress.total ?? 1} value={progress.done} />
          ) : (
            <progress aria-label="Export progress" />
          )}
          <span className="muted">
            {progress === null
              ? 'Starting…'
              : `${fmtNum(progress.done)}${progress.total !== null ? ` of ${fmtNum(progress.total)}` : ''} rows`}
          </span>
          <button type="button" onClick={long.cancel}>
            Cancel
          </button>
        </>
      )}
      <span role="status" className="muted export-message">
        {message}
      </span>
    </div>
  );
}
