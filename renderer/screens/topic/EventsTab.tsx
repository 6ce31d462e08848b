/**
 * Events: the log newest first, virtualised and paged as you scroll; filters "Filter by key" and
 * "Filter by txn"; a row opens its details. "Live" tails new events: the list shows the live rows
 * (queries/live.ts) above the fetched pages, so new events appear without moving what you are
 * looking at, and the fetched pages stay as they were fetched. "New transaction" (shown only where
 * the connection may write) opens the editor (NewTxnDialog).
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import type { StoredEvent } from '../../../src-core/model/types';
import { useApi } from '../../api/api-context';
import { LoadedCount } from '../../components/LoadedCount';
import { NumberBox } from '../../components/NumberBox';
import { PagedTable } from '../../components/PagedTable';
import { SearchBox } from '../../components/SearchBox';
import { useAccess } from '../../components/use-access';
import type { Column } from '../../components/VirtualTable';
import { jsonPreview } from '../../lib/format';
import { parseTxnInput } from '../../lib/txn-input';
import { useDebounced } from '../../lib/use-debounced';
import { eventsQuery } from '../../queries/events';
import { mergeLive } from '../../queries/live';
import { usePagedRows } from '../../queries/paged';
import { useLiveRows } from '../../queries/use-live-rows';
import { keyColumn, seqColumn, timeColumn, txnColumn } from './columns';
import { EventDetail } from './EventDetail';
import { LiveNotices, liveStatus } from './LiveNotices';
import { NewTxnDialog } from './NewTxnDialog';

const COLUMNS: Column<StoredEvent>[] = [
  seqColumn(),
  txnColumn(),
  keyColumn(),
  {
    id: 'kind',
    header: 'Kind',
    width: '7.5rem',
    render: (e) =>
      e.type === 'invalidate' ? (
        <span className="badge badge-info">marker → {e.target}</span>
      ) : e.data === null ? (
        <span className="badge">tombstone</span>
      ) : e.invalid ? (
        <span className="badge badge-warn">invalid</span>
      ) : (
        'event'
      ),
  },
  {
    id: 'data',
    header: 'Data',
    width: 'minmax(10rem, 3fr)',
    className: 'mono',
    render: (e) => (e.type === 'invalidate' ? (e.reason ?? '') : jsonPreview(e.data)),
  },
  timeColumn(),
];

export function EventsTab({ topic }: { topic: string }): ReactNode {
  const api = useApi();
  const [keyText, setKeyText] = useState('');
  const [txnText, setTxnText] = useState('');
  const [on, setOn] = useState(false);
  const [selected, setSelected] = useState<StoredEvent | null>(null);
  const [editing, setEditing] = useState(false);
  const access = useAccess();
  const key = useDebounced(keyText.trim());
  const txnBad = parseTxnInput(txnText) === 'bad';
  const txnParsed = parseTxnInput(useDebounced(txnText));
  const params = useMemo(
    () => ({ key: key || undefined, txn: txnParsed === 'bad' ? undefined : txnParsed }),
    [key, txnParsed],
  );
  const q = useInfiniteQuery(eventsQuery(api, topic, params));
  const { rows: fetched, paging } = usePagedRows(q, 'events');
  const live = useLiveRows(api, topic, on);
  const rows = useMemo(() => mergeLive(live.data, fetched, params), [live.data, fetched, params]);

  return (
    <div className="tab-body with-detail">
      <div className="tab-main">
        <div className="toolbar">
          <SearchBox label="Filter by key" placeholder="Key (exact)" value={keyText} onChange={setKeyText} />
          <NumberBox label="Filter by txn" placeholder="Txn" value={txnText} onChange={setTxnText} invalid={txnBad} />
          <label className="toggle">
            <input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} />
            Live
          </label>
          <span className="muted" aria-live="polite">
            {liveStatus(on, live)}
          </span>
          <span className="spacer" />
          <LoadedCount count={rows.length} hasMore={paging.hasMore} />
          {access.canAppend && (
            <button type="button" className="primary small" onClick={() => setEditing(true)}>
              New transaction
            </button>
          )}
        </div>
        {txnBad && (
          <p className="field-error" role="alert">
            Filter by txn: enter a transaction number (a whole number from 1).
          </p>
        )}
        <LiveNotices topic={topic} on={on} live={live} />
        <PagedTable
          label="Events"
          rows={rows}
          columns={COLUMNS}
          rowKey={(e) => String(e.seq)}
          {...paging}
          onActivate={setSelected}
          selectedKey={selected ? String(selected.seq) : null}
          rowClassName={(e) => (e.invalid ? 'row-invalid' : e.type === 'invalidate' ? 'row-marker' : undefined)}
          empty={params.key || params.txn ? 'No event matches the filters.' : 'This topic has no events yet.'}
        />
      </div>
      {selected && <EventDetail topic={topic} e={selected} onClose={() => setSelected(null)} />}
      {editing && <NewTxnDialog topic={topic} onClose={() => setEditing(false)} />}
    </div>
  );
}
