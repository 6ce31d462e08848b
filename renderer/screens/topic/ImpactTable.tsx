/**
 * The impact preview of a change to the surface, per key: its row now and after (value and the
 * transaction it comes from). The one table of the Invalidate and Re-publish dialogs.
 */
import type { ReactNode } from 'react';
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
