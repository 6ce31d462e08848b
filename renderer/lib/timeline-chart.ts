/**
 * The Overview chart's data, pure: a store's `Timeline` (sparse buckets) laid on its dense grid of
 * `bucketMs` buckets (empty ones null, so bars keep one width), the series the chart draws
 * (events per bucket, the invalidated part, a mark on every bucket holding an invalidated
 * transaction), the text summary beside the chart, the tooltip's lines and the range a drag
 * selects. A click on a bucket opens its biggest transaction (`maxEventsTxn`): a bad batch is
 * usually the outlier, and a bucket of one transaction opens exactly that one.
 */
import type { Timeline, TimelineBucket } from '../../src-core/model/types';
import { fmtNum, fmtTime } from './format';

export interface ChartData {
  /** Bucket starts in ms since the epoch, one per grid bucket. */
  xs: number[];
  /** Events per bucket (null: no transaction there). */
  events: (number | null)[];
  /** Events of invalidated transactions per bucket (null: none). */
  invalidEvents: (number | null)[];
  /** At the top of a bucket's bar when it holds an invalidated transaction, else null. */
  invalidMarks: (number | null)[];
  /** The store's bucket at each grid index, or null. */
  buckets: (TimelineBucket | null)[];
}

/** The grid of a timeline (empty when it has no range). */
export function chartData(tl: Timeline): ChartData {
  const out: ChartData = { xs: [], events: [], invalidEvents: [], invalidMarks: [], buckets: [] };
  if (tl.from === null || tl.to === null || tl.bucketMs === null) return out;
  const from = Date.parse(tl.from);
  const count = Math.ceil((Date.parse(tl.to) - from) / tl.bucketMs);
  const at = new Map<number, TimelineBucket>();
  for (const b of tl.buckets) at.set(Math.round((Date.parse(b.start) - from) / tl.bucketMs), b);
  for (let i = 0; i < count; i++) {
    const b = at.get(i) ?? null;
    out.xs.push(from + i * tl.bucketMs);
    out.buckets.push(b);
    out.events.push(b === null ? null : b.events);
    out.invalidEvents.push(b === null || b.invalidEvents === 0 ? null : b.invalidEvents);
    out.invalidMarks.push(b === null || b.invalidated === 0 ? null : b.events);
  }
  return out;
}

export interface TimelineTotals {
  txns: number;
  events: number;
  invalidated: number;
  /** The biggest transaction in the range (the lowest number on a tie), or null when none. */
  biggest: { txn: number; events: number } | null;
}

export function totalsOf(tl: Timeline): TimelineTotals {
  const t: TimelineTotals = { txns: 0, events: 0, invalidated: 0, biggest: null };
  for (const b of tl.buckets) {
    t.txns += b.txns;
    t.events += b.events;
    t.invalidated += b.invalidated;
    const big = t.biggest;
    if (big === null || b.maxEvents > big.events || (b.maxEvents === big.events && b.maxEventsTxn < big.txn)) {
      t.biggest = { txn: b.maxEventsTxn, events: b.maxEvents };
    }
  }
  return t;
}

const plural = (n: number, one: string, many: string): string => `${fmtNum(n)} ${n === 1 ? one : many}`;

/** "312 transactions, 4 invalidated, biggest txn 57 with 9,120 events". */
export function summaryText(t: TimelineTotals): string {
  const parts = [plural(t.txns, 'transaction', 'transactions'), `${fmtNum(t.invalidated)} invalidated`];
  if (t.biggest !== null) {
    parts.push(`biggest txn ${t.biggest.txn} with ${plural(t.biggest.events, 'event', 'events')}`);
  }
  return parts.join(', ');
}

/** The tooltip of one bucket: its range (UTC), counts, and what a click opens. */
export function tooltipLines(b: TimelineBucket): string[] {
  const lines = [
    `${fmtTime(b.start)} – ${fmtTime(b.end)} UTC`,
    b.txns === 1
      ? `txn ${b.firstTxn}`
      : `${plural(b.txns, 'transaction', 'transactions')} (${b.firstTxn}–${b.lastTxn})`,
    plural(b.events, 'event', 'events'),
  ];
  if (b.invalidated > 0)
    lines.push(`${fmtNum(b.invalidated)} invalidated (${plural(b.invalidEvents, 'event', 'events')})`);
  if (b.markers > 0) lines.push(plural(b.markers, 'invalidation marker', 'invalidation markers'));
  lines.push(
    b.txns === 1
      ? 'Click to open it'
      : `Click to open the biggest: txn ${b.maxEventsTxn} (${plural(b.maxEvents, 'event', 'events')})`,
  );
  return lines;
}

/**
 * The `[from, to)` a drag over `[startMs, endMs]` zooms to, as ISO times: whole milliseconds, at
 * least one wide, never outside the timeline's range; null when the timeline has no range.
 */
export function zoomRange(tl: Timeline, startMs: number, endMs: number): { from: string; to: string } | null {
  if (tl.from === null || tl.to === null) return null;
  const lo = Date.parse(tl.from);
  const hi = Date.parse(tl.to);
  const a = Math.min(Math.max(Math.floor(Math.min(startMs, endMs)), lo), hi - 1);
  const b = Math.max(Math.min(Math.ceil(Math.max(startMs, endMs)), hi), a + 1);
  return { from: new Date(a).toISOString(), to: new Date(b).toISOString() };
}

/** A bucket's width for people: `250 ms`, `1.5 s`, `2 min`, `3 h`, `2 d`. */
export function fmtDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) return `${Number((ms / size).toFixed(1))} ${unit}`;
  }
  return `${ms} ms`;
}
