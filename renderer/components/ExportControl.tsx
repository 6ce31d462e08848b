/**
 * "Export": a format choice (CSV / NDJSON) and a button, reporting how many rows were saved or
 * why it failed. The caller does the exporting.
 */
import { useState, type ReactNode } from 'react';
import type { ExportFormat } from '../../src-core/model/store-api';
import { toApiError } from '../api/errors';

interface Props {
  onExport: (format: ExportFormat) => Promise<{ rows: number; savedAs: string | null }>;
  disabled?: boolean;
}

export function ExportControl({ onExport, disabled }: Props): ReactNode {
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
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
          onExport(format)
            .then((r) =>
              setMessage(
                r.savedAs ? `Exported ${r.rows.toLocaleString('en-US')} rows to ${r.savedAs}` : 'Export cancelled',
              ),
            )
            .catch((err: unknown) => setMessage(`Export failed: ${toApiError(err).message}`))
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      <span role="status" className="muted export-message">
        {message}
      </span>
    </div>
  );
}
