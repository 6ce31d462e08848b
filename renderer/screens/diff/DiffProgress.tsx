/**
 * Progress of a running comparison (or repair): bytes uploaded (a real bar), then an indeterminate
 * bar while the server works, the elapsed time, and "Cancel".
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { Progress } from '../../../src-core/model/store-api';
import { fmtNum } from '../../lib/format';

export function DiffProgress({
  progress,
  startedAt,
  onCancel,
  label = 'Comparison progress',
  working = 'Comparing with the surface',
}: {
  progress: Progress | null;
  startedAt: number;
  onCancel: () => void;
  /** The progress bar's accessible name. */
  label?: string;
  /** What the server is doing once the upload is done. */
  working?: string;
}): ReactNode {
  const [now, setNow] = useState(startedAt);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, []);
  const elapsed = Math.max(0, (now - startedAt) / 1000);
  const determinate = progress !== null && progress.total !== null && progress.total > 0;
  return (
    <div className="diff-progress" role="status" aria-live="polite">
      {determinate ? (
        <progress aria-label={label} max={progress.total ?? 1} value={progress.done} />
      ) : (
        <progress aria-label={label} />
      )}
      <span>
        {progress?.phase === 'uploading'
          ? `Uploading ${fmtNum(Math.round(progress.done / 1024))} of ${fmtNum(Math.round((progress.total ?? 0) / 1024))} KiB`
          : working}
        {' · '}
        {elapsed.toFixed(1)} s
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
