/**
 * Overview: the topic's transactions over time at a glance, so a bad batch stands out as the
 * outlier it usually is. The store aggregates the transactions into at most OVERVIEW_BUCKETS time
 * buckets (`StoreApi.timeline`), so 100,000 transactions draw as a few hundred bars. Beside the
 * chart, a text summary of the range names the biggest transaction with a link to it. Drag across
 * the chart to zoom (the store is asked again for that range, so detail stays aggregated by the
 * store); "Reset zoom" returns to the whole topic. A click on a bar opens the bucket's biggest
 * transaction in the Transactions tab (a bucket of one transaction opens exactly that one).
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TimelineChart } from '../../components/TimelineChart';
import { fmtNum, fmtTime } from '../../lib/format';
import { navigate } from '../../lib/route';
import { fmtDuration, summaryText, totalsOf } from '../../lib/timeline-chart';
import { timelineQuery } from '../../queries/timeline';

/** Buckets asked of the store: enough bars to see a pattern, few enough to draw at once. */
export const OVERVIEW_BUCKETS = 200;

type Range = { from: string; to: string };

export function OverviewTab({ topic }: { topic: string }): ReactNode {
  const api = useApi();
  const [zoom, setZoom] = useState<Range | null>(null);
  const opts = useMemo(() => ({ buckets: OVERVIEW_BUCKETS, ...(zoom ?? {}) }), [zoom]);
  const q = useQuery(timelineQuery(api, topic, opts));
  const open = (txn: number): void => navigate({ screen: 'topic', topic, tab: 'txns', txn });

  if (q.isPending) return <p className="muted tab-body">Loading the timeline…</p>;
  if (q.isError) {
    return (
      <div className="tab-body">
        <ErrorNotice error={q.error} title="Could not load the timeline" onRetry={() => void q.refetch()} />
      </div>
    );
  }
  const tl = q.data;
  const totals = totalsOf(tl);
  const summary = summaryText(totals);
  const reset = zoom !== null && (
    <button type="button" onClick={() => setZoom(null)}>
      Reset zoom
    </button>
  );

  if (tl.buckets.length === 0) {
    return (
      <div className="tab-body overview">
        <p className="empty-state">
          {zoom === null ? 'No transactions in this topic yet.' : 'No transactions in this range.'}
        </p>
        {reset}
      </div>
    );
  }

  return (
    <div className="tab-body overview">
      <div className="toolbar">
        <span className="muted" data-testid="timeline-range">
          {fmtTime(tl.from)} – {fmtTime(tl.to)} UTC, bars of {fmtDuration(tl.bucketMs ?? 0)}
        </span>
        {reset}
        {q.isFetching && <span className="muted">Loading…</span>}
        <ul className="timeline-legend" aria-label="Legend">
          <li>
            <span className="swatch swatch-events" aria-hidden="true" /> Events per bar
          </li>
          <li>
            <span className="swatch swatch-invalid" aria-hidden="true" /> Events of invalidated transactions
          </li>
          <li>
            <span className="mark-invalid" aria-hidden="true" /> Holds an invalidated transaction
          </li>
        </ul>
      </div>
      <p className="timeline-summary" aria-label="Summary" aria-live="polite">
        {fmtNum(totals.txns)} {totals.txns === 1 ? 'transaction' : 'transactions'}, {fmtNum(totals.invalidated)}{' '}
        invalidated
        {totals.biggest !== null && (
          <>
            , biggest{' '}
            <button type="button" className="link-button" onClick={() => open(totals.biggest!.txn)}>
              txn {totals.biggest.txn}
            </button>{' '}
            with {fmtNum(totals.biggest.events)} {totals.biggest.events === 1 ? 'event' : 'events'}
          </>
        )}
        {zoom !== null && ' in this range'}
      </p>
      <TimelineChart timeline={tl} label={`Transactions over time: ${summary}`} onOpenTxn={open} onZoom={setZoom} />
      <p className="muted hint">Drag across the chart to zoom in; click a bar to open its biggest transaction.</p>
    </div>
  );
}
