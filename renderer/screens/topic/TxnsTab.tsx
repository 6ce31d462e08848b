/**
 * Transactions, newest first: seq range, count, time, status. Each valid row has "Invalidate",
 * which opens the confirmation dialog. `focus` (from the route) shows one transaction on top.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import type { TxnInfo } from '../../../src-core/model/types';
import { useApi } from '../../api/api-context';
import { LoadedCount } from '../../components/LoadedCount';
import { NumberBox } from '../../components/NumberBox';
import { PagedTable } from '../../components/PagedTable';
import { useAccess, type Access } from '../../components/use-access';
import type { Column } from '../../components/VirtualTable';
import { fmtNum } from '../../lib/format';
import { navigate } from '../../lib/route';
import { parseTxnInput } from '../../lib/txn-input';
import { usePagedRows } from '../../queries/paged';
import { txnsQuery } from '../../queries/txns';
import { timeColumn, txnColumn } from './columns';
import { FocusedTxn } from './FocusedTxn';
import { InvalidateDialog } from './InvalidateDialog';
import { TxnStatus } from './TxnStatus';

function columns(access: Access, onInvalidate: (txn: number) => void): Column<TxnInfo>[] {
  return [
    txnColumn('6rem'),
    {
      id: 'seqs',
      header: 'Seq range',
      width: '12rem',
      className: 'num',
      render: (t) => `${fmtNum(t.firstSeq)}–${fmtNum(t.lastSeq)}`,
    },
    { id: 'count', header: 'Events', width: '6rem', className: 'num', render: (t) => fmtNum(t.count) },
    timeColumn(),
    { id: 'status', header: 'Status', width: 'minmax(10rem, 2fr)', render: (t) => <TxnStatus t={t} /> },
    {
      id: 'action',
      header: 'Action',
      width: '7.5rem',
      render: (t) =>
        !t.marker && t.invalidatedBy === null ? (
          <button
            type="button"
            className="small danger-outline"
            disabled={!access.canInvalidate}
            title={access.why ?? `Invalidate transaction ${t.txn}`}
            onClick={(e) => {
              e.stopPropagation();
              onInvalidate(t.txn);
            }}
          >
            Invalidate
          </button>
        ) : null,
    },
  ];
}

export function TxnsTab({ topic, focus }: { topic: string; focus?: number }): ReactNode {
  const api = useApi();
  const access = useAccess();
  const q = useInfiniteQuery(txnsQuery(api, topic));
  const { rows, paging } = usePagedRows(q, 'txns');
  const [target, setTarget] = useState<number | null>(null);
  const [goTo, setGoTo] = useState('');
  const cols = useMemo(() => columns(access, setTarget), [access]);

  return (
    <div className="tab-body">
      {focus !== undefined && <FocusedTxn topic={topic} txn={focus} onInvalidate={setTarget} />}
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const txn = parseTxnInput(goTo);
          if (typeof txn === 'number') navigate({ screen: 'topic', topic, tab: 'txns', txn });
        }}
      >
        <NumberBox label="Go to transaction" placeholder="Go to txn…" value={goTo} onChange={setGoTo} />
        <LoadedCount count={rows.length} hasMore={paging.hasMore}>
          {' '}
          · Enter on a row focuses it
        </LoadedCount>
      </form>
      <PagedTable
        label="Transactions"
        rows={rows}
        columns={cols}
        rowKey={(t) => String(t.txn)}
        rowHeight={36}
        {...paging}
        onActivate={(t) => navigate({ screen: 'topic', topic, tab: 'txns', txn: t.txn })}
        selectedKey={focus !== undefined ? String(focus) : null}
        scrollToKey={focus !== undefined ? String(focus) : null}
        rowClassName={(t) => (t.invalidatedBy !== null ? 'row-invalid' : t.marker ? 'row-marker' : undefined)}
        empty="No transactions yet."
      />
      {target !== null && <InvalidateDialog topic={topic} txn={target} onClose={() => setTarget(null)} />}
    </div>
  );
}
