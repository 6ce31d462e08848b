/**
 * "Upload snapshot": a file input (CSV, JSON, NDJSON) that is also a drop zone for drag and drop.
 */
import type { ReactNode } from 'react';
import { useFileDrop } from '../../components/use-file-drop';

export function SnapshotPicker({
  onFile,
  fileName,
}: {
  onFile: (f: File) => void;
  fileName: string | null;
}): ReactNode {
  const drop = useFileDrop(onFile);
  return (
    <div className={`drop-zone ${drop.over ? 'over' : ''}`} {...drop.handlers}>
      <label className="button primary file-label">
        Upload snapshot
        <input
          type="file"
          className="visually-hidden"
          accept=".csv,.json,.ndjson,.jsonl,text/csv,application/json,application/x-ndjson"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) onFile(f);
            e.target.value = '';
          }}
        />
      </label>
      <span className="muted">{fileName ? `Snapshot: ${fileName}` : 'or drop a CSV, JSON or NDJSON file here'}</span>
    </div>
  );
}
