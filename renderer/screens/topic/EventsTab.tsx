/**
 * Events: the log newest first, virtualised and paged as you scroll; filters "Filter by key" and
 * "Filter by txn"; a row opens its details; "Live" tails new events in place without moving what
 * you are looking at.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import type { StoredEvent } from '../../../src-core/model/types';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { fmtNum, fmtTime, jsonPreview } from '../../lib/format';
import { parseTxnInput } from '../../lib/txn-input';
import { useDebounced } from '../../lib/use-debounced';
import { eventsQuery } from '../../queries/events';
import { usePagedRows } from '../../queries/paged';
import { DetailPanel } from './DetailPanel';
import { useLiveTail } from './use-live-tail';

const COLUMNS: Column<StoredEvent>[] = [
  { id: 'seq', header: 'Seq', width: '6rem', className: 'num', render: (e) => e.seq },
  { id: 'txn', header: 'Txn', width: '5rem', className: 'num', render: (e) => e.txn },
  { id: 'key', header: 'Key', width: 'minmax(8rem, 1.2fr)', className: 'mono', render: (e) => e.key },
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
  { id: 'time', header: 'Time (UTC)', width: '12.5rem', className: 'mono', render: (e) => fmtTime(e.time) },
];

export function EventsTab({ topic }: { topic: string }): ReactNode {
  const api = useApi();
  const [keyText, setKeyText] = useState('');
  const [txnText, setTxnText] = useState('');
  const [live, setLive] = useState(false);
  const [selected, setSelected] = useState<StoredEvent | null>(null);
  const key = useDebounced(keyText.trim());
  const txnBad = parseTxnInput(txnText) === 'bad';
  const txnParsed = parseTxnInput(useDebounced(txnText));
  const params = useMemo(
    () => ({ key: key || undefined, txn: txnParsed === 'bad' ? undefined : txnParsed }),
    [key, txnParsed],
  );
  const q = useInfiniteQuery(eventsQuery(api, topic, params));
  const { rows, paging } = usePagedRows(q, 'events');
  const tail = useLiveTail(api, topic, live);

  return (
    <div className="tab-body with-detail">
      <div className="tab-main">
        <div className="toolbar">
          <input
            type="search"
            aria-label="Filter by key"
            placeholder="Key (exact)"
            value={keyText}
            onChange={(e) => setKeyText(e.target.value)}
          />
          <input
            type="text"
            inputMode="numeric"
            aria-label="Filter by txn"
            aria-invalid={txnBad}
            placeholder="Txn"
            className="narrow"
            value={txnText}
            onChange={(e) => setTxnText(e.target.value)}
          />
          <label className="toggle">
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} />
            Live
          </label>
          <span className="muted" aria-live="polite">
            {live ? `Live — ${fmtNum(tail.received)} new` : ''}
          </span>
          <span className="spacer" />
          <span className="muted">
            {fmtNum(rows.length)} loaded{paging.hasMore ? ' (scroll for more)' : ''}
          </span>
        </div>
        {txnBad && (
          <p className="field-error" role="alert">
            Filter by txn: enter a transaction number (a whole number from 1).
          </p>
        )}
        {tail.error && <ErrorNotice title="The live tail stopped" error={tail.error} />}
        {q.error ? (
          <ErrorNotice title="Events could not be loaded" error={q.error} onRetry={() => void q.refetch()} />
        ) : (
          <VirtualTable
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
        )}
      </div>
      {selected && (
        <DetailPanel
          title={`Event ${selected.seq}`}
          topic={topic}
          txn={selected.txn}
          onClose={() => setSelected(null)}
          data={selected.data}
          facts={[
            ['Key', <span className="mono">{selected.key}</span>],
            ['Seq', selected.seq],
            ['Txn', selected.txn],
            ['Type', selected.type],
            ['Time (UTC)', fmtTime(selected.time)],
            ['Hash', <span className="mono small">{selected.hash}</span>],
            ['Content type', selected.contentType],
            ...(selected.invalid
              ? ([['Status', 'invalid (its transaction was invalidated)']] as [string, ReactNode][])
              : []),
            ...(selected.type === 'invalidate'
              ? ([
                  ['Invalidates', `transaction ${selected.target}`],
                  ['Reason', selected.reason],
                ] as [string, ReactNode][])
              : []),
          ]}
        />
      )}
    </div>
  );
}
