/**
 * The impact preview of a change to the surface, per key: its row now and after (value and the
 * transaction it comes from), in its section (loading, a failure with Retry). The one preview of
 * the Invalidate and Re-publish dialogs.
 */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { InvalidateImpactRow } from '../../../src-core/model/store-api';
import { CompareTable } from '../../components/CompareTable';
import { jsonPreview } from '../../lib/format';

export function ImpactTable({ rows }: { rows: InvalidateImpactRow[] }): ReactNode {
  return (
    <div className="impact-scroll">
      <CompareTable
        className="impact"
        label="Surface changes"
        heads={['Key', 'Now', 'After']}
        monoNames
        rows={rows.map((r) => ({
          name: r.key,
          left: r.before ? `${jsonPreview(r.before.data, 80)} (txn ${r.before.txn})` : '— absent',
          right: r.after ? `${jsonPreview(r.after.data, 80)} (txn ${r.after.txn})` : '— removed',
        }))}
      />
    </div>
  );
}

/** "Impact on the surface": the preview being worked out, its failure, or `children(data)`. */
export function ImpactSection<T>({
  preview,
  failTitle,
  children,
}: {
  preview: UseQueryResult<T>;
  failTitle: string;
  children: (data: T) => ReactNode;
}): ReactNode {
  return (
    <section aria-label="Impact">
      <h3>Impact on the surface</h3>
      {preview.error ? (
        <ErrorNotice title={failTitle} error={preview.error} onRetry={() => void preview.refetch()} />
      ) : preview.data === undefined ? (
        <p className="muted">Working out the impact…</p>
      ) : (
        children(preview.data)
      )}
    </section>
  );
}
