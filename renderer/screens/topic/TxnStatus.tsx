/**
 * A transaction's status as a badge: valid, invalid (with the reason), or an invalidation marker.
 */
import type { ReactNode } from 'react';
import type { TxnInfo } from '../../../src-core/model/types';

export function TxnStatus({ t }: { t: TxnInfo }): ReactNode {
  if (t.marker) return <span className="badge badge-info">marker</span>;
  if (t.invalidatedBy !== null) {
    return (
      <span className="txn-invalid" title={t.reason ?? undefined}>
        <span className="badge badge-warn">invalid</span> {t.reason}
      </span>
    );
  }
  return <span className="badge badge-ok">valid</span>;
}
