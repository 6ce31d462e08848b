/** The Overview chart's pure parts: the dense bucket grid, the summary, tooltip lines, totals and the zoom range. */
import { describe, expect, it } from 'vitest';
import type { Timeline, TimelineBucket } from '../../src-core/model/types';
import { chartData, fmtDuration, summaryText, tooltipLines, totalsOf, zoomRange } from './timeline-chart';

const bucket = (start: string, end: string, over: Partial<TimelineBucket>): TimelineBucket => ({
  start,
  end,
  txns: 1,
  events: 1,
  invalidated: 0,
  invalidEvents: 0,
  markers: 0,
  firstTxn: 1,
  lastTxn: 1,
  maxEvents: 1,
  maxEventsTxn: 1,
  ...over,
});

const tl: Timeline = {
  topic: 't',
  from: '2026-01-01T00:00:00.000Z',
  to: '2026-01-01T00:00:00.050Z',
  bucketMs: 10,
  buckets: [
    bucket('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.010Z', {
      txns: 3,
      events: 5,
      lastTxn: 3,
      maxEvents: 3,
      maxEventsTxn: 2,
    }),
    bucket('2026-01-01T00:00:00.030Z', '2026-01-01T00:00:00.040Z', {
      txns: 2,
      events: 9120,
      invalidated: 1,
      invalidEvents: 9120 - 1,
      firstTxn: 4,
      lastTxn: 5,
      maxEvents: 9119,
      maxEventsTxn: 4,
      markers: 1,
    }),
  ],
};

describe('the Overview chart data', () => {
  it('lays sparse buckets on the dense grid, empty buckets null', () => {
    const d = chartData(tl);
    expect(d.xs).toEqual([0, 10, 20, 30, 40].map((ms) => Date.parse(tl.from!) + ms));
    expect(d.events).toEqual([5, null, null, 9120, null]);
    expect(d.invalidEvents).toEqual([null, null, null, 9119, null]);
    expect(d.invalidMarks).toEqual([null, null, null, 9120, null]);
    expect(d.buckets[3]?.maxEventsTxn).toBe(4);
    expect(chartData({ topic: 't', from: null, to: null, bucketMs: null, buckets: [] }).xs).toEqual([]);
  });

  it('sums the range and names the biggest transaction in the summary', () => {
    const t = totalsOf(tl);
    expect(t).toEqual({ txns: 5, events: 9125, invalidated: 1, biggest: { txn: 4, events: 9119 } });
    expect(summaryText(t)).toBe('5 transactions, 1 invalidated, biggest txn 4 with 9,119 events');
    expect(summaryText({ txns: 1, events: 1, invalidated: 0, biggest: { txn: 1, events: 1 } })).toBe(
      '1 transaction, 0 invalidated, biggest txn 1 with 1 event',
    );
    expect(summaryText(totalsOf({ ...tl, buckets: [] }))).toBe('0 transactions, 0 invalidated');
  });

  it('says in the tooltip what the bucket holds and what a click opens', () => {
    expect(tooltipLines(tl.buckets[1]!)).toEqual([
      '2026-01-01 00:00:00.030 – 2026-01-01 00:00:00.040 UTC',
      '2 transactions (4–5)',
      '9,120 events',
      '1 invalidated (9,119 events)',
      '1 invalidation marker',
      'Click to open the biggest: txn 4 (9,119 events)',
    ]);
    expect(
      tooltipLines(bucket('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.010Z', { firstTxn: 7 })).slice(1),
    ).toEqual(['txn 7', '1 event', 'Click to open it']);
  });

  it('zooms to whole milliseconds inside the range, at least one wide', () => {
    const from = Date.parse(tl.from!);
    expect(zoomRange(tl, from + 12.4, from + 31.2)).toEqual({
      from: '2026-01-01T00:00:00.012Z',
      to: '2026-01-01T00:00:00.032Z',
    });
    expect(zoomRange(tl, from + 40.2, from - 5)).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-01T00:00:00.041Z',
    });
    expect(zoomRange(tl, from + 60, from + 70)).toEqual({
      from: '2026-01-01T00:00:00.049Z',
      to: '2026-01-01T00:00:00.050Z',
    });
    expect(zoomRange({ ...tl, from: null, to: null }, 0, 1)).toBeNull();
  });

  it('says a bucket width in the largest whole unit', () => {
    expect([1, 250, 1000, 1500, 120_000, 5_400_000, 172_800_000].map(fmtDuration)).toEqual([
      '1 ms',
      '250 ms',
      '1 s',
      '1.5 s',
      '2 min',
      '1.5 h',
      '2 d',
    ]);
  });
});
