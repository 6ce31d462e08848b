/**
 * Surface: the newest valid value of every key, virtualised and paged by key. "Search keys"
 * (prefix), "Show invalid" (the raw view, invalid rows flagged), "As of txn" (the surface right
 * after that transaction) and "Export" (CSV / NDJSON of every row of the current view).
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { parseInteger } from '../../../src-core/model/parse';
import type { SurfaceRow } from '../../../src-core/model/types';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ExportControl } from '../../components/ExportControl';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { fmtNum, fmtTime, jsonPreview } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import type { SurfaceParams } from '../../queries/keys';
import { usePagedRows } from '../../queries/paged';
import { surfaceQuery } from '../../queries/surface';
import { DetailPanel } from './DetailPanel';

const COLUMNS: Column<SurfaceRow>[] = [
  { id: 'key', header: 'Key', width: 'minmax(8rem, 1.2fr)', className: 'mono', render: (r) => r.key },
  { id: 'data', header: 'Value', width: 'minmax(10rem, 3fr)', className: 'mono', render: (r) => jsonPreview(r.data) },
  { id: 'txn', header: 'Txn', width: '5rem', className: 'num', render: (r) => r.txn },
  { id: 'seq', header: 'Seq', width: '6rem', className: 'num', render: (r) => r.seq },
  {
    id: 'flag',
    header: 'Status',
    width: '6rem',
    render: (r) =>
      r.invalid ? <span className="badge badge-warn">invalid</span> : <span className="muted">valid</span>,
  },
  { id: 'time', header: 'Time (UTC)', width: '12.5rem', className: 'mono', render: (r) => fmtTime(r.time) },
];

export function SurfaceTab({ topic }: { topic: string }): ReactNode {
  const api = useApi();
  const [prefixText, setPrefixText] = useState('');
  const [raw, setRaw] = useState(false);
  const [asOfText, setAsOfText] = useState('');
  const [selected, setSelected] = useState<SurfaceRow | null>(null);
  const prefix = useDebounced(prefixText);
  const asOfSettled = useDebounced(asOfText.trim());
  const asOfBad = asOfText.trim() !== '' && parseInteger(asOfText.trim()) === null;
  const asOfTxn = parseInteger(asOfSettled) ?? undefined;
  const params: SurfaceParams = useMemo(
    () => ({ prefix: prefix || undefined, view: raw ? 'raw' : 'valid', asOfTxn }),
    [prefix, raw, asOfTxn],
  );
  const q = useInfiniteQuery(surfaceQuery(api, topic, params));
  const { rows, paging } = usePagedRows(q, 'rows');

  return (
    <div className="tab-body with-detail">
      <div className="tab-main">
        <div className="toolbar">
          <input
            type="search"
            aria-label="Search keys"
            placeholder="Key prefix…"
            value={prefixText}
            onChange={(e) => setPrefixText(e.target.value)}
          />
          <label className="toggle">
            <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />
            Show invalid
          </label>
          <label className="inline-field">
            As of txn
            <input
              type="text"
              inputMode="numeric"
              className="narrow"
              placeholder="latest"
              aria-invalid={asOfBad}
              value={asOfText}
              onChange={(e) => setAsOfText(e.target.value)}
            />
          </label>
          <span className="spacer" />
          <span className="muted">
            {fmtNum(rows.length)} keys loaded{paging.hasMore ? ' (scroll for more)' : ''}
          </span>
          <ExportControl
            onExport={(format) =>
              api.exportSurface(topic, { format, prefix: params.prefix, view: params.view, asOfTxn })
            }
          />
        </div>
        {asOfBad && (
          <p className="field-error" role="alert">
            As of txn: enter a transaction number (a whole number), or leave it empty for the latest surface.
          </p>
        )}
        {q.error ? (
          <ErrorNotice title="The surface could not be loaded" error={q.error} onRetry={() => void q.refetch()} />
        ) : (
          <VirtualTable
            label="Surface"
            rows={rows}
            columns={COLUMNS}
            rowKey={(r) => r.key}
            {...paging}
            onActivate={setSelected}
            selectedKey={selected?.key ?? null}
            rowClassName={(r) => (r.invalid ? 'row-invalid' : undefined)}
            empty={params.prefix ? 'No key starts with that prefix.' : 'The surface is empty.'}
          />
        )}
      </div>
      {selected && (
        <DetailPanel
          title={`Key ${selected.key}`}
          topic={topic}
          txn={selected.txn}
          onClose={() => setSelected(null)}
          data={selected.data}
          facts={[
            ['Seq', selected.seq],
            ['Txn', selected.txn],
            ['Time (UTC)', fmtTime(selected.time)],
            ['Hash', <span className="mono small">{selected.hash}</span>],
            ['Status', selected.invalid ? 'invalid (its transaction was invalidated)' : 'valid'],
          ]}
        />
      )}
    </div>
  );
}
