/**
 * Transactions, newest first: seq range, count, time, who wrote it (`by`), status (with the
 * reason of an invalidation) and `meta`. "Written by" filters to one writer's transactions through
 * the store's `by` option, so every page holds matches and none is missed; the toolbar says what
 * is filtered. Each valid row has "Invalidate", which opens the confirmation dialog; each
 * invalidated one "Re-publish" (RepublishDialog; shown only where the connection may write). `focus`
 * (from the route) shows one transaction on top.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { canonicalJson } from '../../../src-core/model/canonical';
import type { TxnInfo } from '../../../src-core/model/types';
import { validateBy } from '../../../src-core/model/validate';
import { useApi } from '../../api/api-context';
import { LoadedCount } from '../../components/LoadedCount';
import { NumberBox } from '../../components/NumberBox';
import { PagedTable } from '../../components/PagedTable';
import { SearchBox } from '../../components/SearchBox';
import { useAccess, type Access } from '../../components/use-access';
import type { Column } from '../../components/VirtualTable';
import { fmtNum } from '../../lib/format';
import { navigate } from '../../lib/route';
import { refusal } from '../../lib/refusal';
import { parseTxnInput } from '../../lib/txn-input';
import { usePagedRows } from '../../queries/paged';
import { txnsQuery } from '../../queries/txns';
import { timeColumn, txnColumn } from './columns';
import { FocusedTxn } from './FocusedTxn';
import { InvalidateDialog } from './InvalidateDialog';
import { RepublishDialog } from './RepublishDialog';
import { TxnStatus } from './TxnStatus';

function columns(
  access: Access,
  onInvalidate: (txn: number) => void,
  onRepublish: (txn: number) => void,
): Column<TxnInfo>[] {
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
    {
      id: 'by',
      header: 'By',
      width: '9rem',
      render: (t) => (t.by === null ? <span className="muted">—</span> : <span title={t.by}>{t.by}</span>),
    },
    { id: 'status', header: 'Status', width: 'minmax(10rem, 2fr)', render: (t) => <TxnStatus t={t} /> },
    {
      id: 'meta',
      header: 'Meta',
      width: 'minmax(8rem, 1.5fr)',
      render: (t) => {
        if (t.meta === null) return null;
        const text = canonicalJson(t.meta);
        return (
          <code className="txn-meta" title={text}>
            {text}
          </code>
        );
      },
    },
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
        ) : !t.marker && access.canRepublish ? (
          <button
            type="button"
            className="small"
            title={`Write the events of transaction ${t.txn} again, for the keys not changed since`}
            onClick={(e) => {
              e.stopPropagation();
              onRepublish(t.txn);
            }}
          >
            Re-publish
          </button>
        ) : null,
    },
  ];
}

export function TxnsTab({ topic, focus }: { topic: string; focus?: number }): ReactNode {
  const api = useApi();
  const access = useAccess();
  const [byText, setByText] = useState('');
  const [by, setBy] = useState<string | undefined>(undefined);
  const byProblem = byText.trim() === '' ? null : refusal(validateBy, byText.trim());
  const q = useInfiniteQuery(txnsQuery(api, topic, by));
  const { rows, paging } = usePagedRows(q, 'txns');
  const [target, setTarget] = useState<number | null>(null);
  const [republishing, setRepublishing] = useState<number | null>(null);
  const [goTo, setGoTo] = useState('');
  const cols = useMemo(() => columns(access, setTarget, setRepublishing), [access]);

  return (
    <div className="tab-body">
      {focus !== undefined && (
        <FocusedTxn topic={topic} txn={focus} onInvalidate={setTarget} onRepublish={setRepublishing} />
      )}
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
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const name = byText.trim();
          if (name === '') setBy(undefined);
          else if (byProblem === null) setBy(name);
        }}
      >
        <SearchBox label="Written by" placeholder="Written by… (Enter)" value={byText} onChange={setByText} />
        <button type="submit" className="small" disabled={byProblem !== null}>
          Filter
        </button>
        {byProblem !== null && (
          <span className="field-error" role="alert">
            {byProblem}
          </span>
        )}
        {by !== undefined && (
          <span className="filter-note" role="status">
            Showing only transactions by <strong>{by}</strong> (markers: invalidated by)
            <button
              type="button"
              className="small"
              onClick={() => {
                setBy(undefined);
                setByText('');
              }}
            >
              Show all
            </button>
          </span>
        )}
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
        empty={by === undefined ? 'No transactions yet.' : `No transactions by ${by}.`}
      />
      {target !== null && <InvalidateDialog topic={topic} txn={target} onClose={() => setTarget(null)} />}
      {republishing !== null && (
        <RepublishDialog topic={topic} txn={republishing} onClose={() => setRepublishing(null)} />
      )}
    </div>
  );
}
