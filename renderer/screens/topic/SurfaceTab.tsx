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
import { ExportControl } from '../../components/ExportControl';
import { LoadedCount } from '../../components/LoadedCount';
import { NumberBox } from '../../components/NumberBox';
import { PagedTable } from '../../components/PagedTable';
import { SearchBox } from '../../components/SearchBox';
import type { Column } from '../../components/VirtualTable';
import { fmtTime, jsonPreview } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import type { SurfaceParams } from '../../queries/keys';
import { usePagedRows } from '../../queries/paged';
import { surfaceQuery } from '../../queries/surface';
import { keyColumn, seqColumn, timeColumn, txnColumn } from './columns';
import { DetailPanel } from './DetailPanel';

const COLUMNS: Column<SurfaceRow>[] = [
  keyColumn(),
  { id: 'data', header: 'Value', width: 'minmax(10rem, 3fr)', className: 'mono', render: (r) => jsonPreview(r.data) },
  txnColumn(),
  seqColumn(),
  {
    id: 'flag',
    header: 'Status',
    width: '6rem',
    render: (r) =>
      r.invalid ? <span className="badge badge-warn">invalid</span> : <span className="muted">valid</span>,
  },
  timeColumn(),
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
          <SearchBox label="Search keys" placeholder="Key prefix…" value={prefixText} onChange={setPrefixText} />
          <label className="toggle">
            <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />
            Show invalid
          </label>
          <label className="inline-field">
            As of txn
            <NumberBox placeholder="latest" value={asOfText} onChange={setAsOfText} invalid={asOfBad} />
          </label>
          <span className="spacer" />
          <LoadedCount count={rows.length} hasMore={paging.hasMore} noun="keys" />
          <ExportControl
            onExport={(format, op) =>
              api.exportSurface(topic, { format, prefix: params.prefix, view: params.view, asOfTxn }, op)
            }
          />
        </div>
        {asOfBad && (
          <p className="field-error" role="alert">
            As of txn: enter a transaction number (a whole number), or leave it empty for the latest surface.
          </p>
        )}
        <PagedTable
          label="Surface"
          errorTitle="The surface could not be loaded"
          rows={rows}
          columns={COLUMNS}
          rowKey={(r) => r.key}
          {...paging}
          onActivate={setSelected}
          selectedKey={selected?.key ?? null}
          rowClassName={(r) => (r.invalid ? 'row-invalid' : undefined)}
          empty={params.prefix ? 'No key starts with that prefix.' : 'The surface is empty.'}
        />
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
