/**
 * The memory store's whole model: a topic is its log, and everything else is a fold of it,
 * computed per request with no maintained index. `invalidations` finds each invalidated
 * transaction's marker, `headsOf` the newest event per key (the valid view skips invalidated
 * transactions, `asOfTxn` skips later ones), `surfaceHeads`/`surfaceOf` turn heads into surface rows
 * (tombstones dropped, code point key order), `topicInfoOf` and `txnsOf` derive the counters and transaction
 * rows (with each transaction's `meta` and `by`, kept on its entries), `timelineFold` the time buckets,
 * `page` a page of any of them (cut by data bytes, store/page-cut.ts). These are the definitions the maintained tables of SQLite and PostgreSQL must agree with.
 */
import { compareKeys } from '../../model/canonical';
import { metaOf } from '../meta';
import { cutPage, dataBytes } from '../page-cut';
import {
  type BucketCounts,
  bucketIndex,
  normalizeTimeline,
  planTimeline,
  timelineBucket,
  timelineOf,
} from '../../model/timeline';
import type {
  EventType,
  JsonValue,
  StoredEvent,
  SurfaceRow,
  SurfaceView,
  Timeline,
  TimelineOptions,
  TopicInfo,
  TxnInfo,
} from '../../model/types';

/** One entry of a topic's log. Data is kept as canonical JSON text, so no caller can alias it. */
export interface LogEntry {
  seq: number;
  txn: number;
  key: string;
  type: EventType;
  /** Canonical JSON text of the data (`null` for a tombstone or a marker). */
  data: string;
  tomb: boolean;
  contentType: string;
  hash: string;
  /** Commit time, ISO-8601 UTC with milliseconds. */
  time: string;
  target?: number;
  reason?: string;
  /** Its transaction's `meta` (canonical JSON text) and `by`, the same on every entry of it. */
  meta: string | null;
  by: string | null;
  /** SHA-256 of `data` (store/chain.ts covers it) and its transaction's chain (the same on every entry of it). */
  digest: string;
  chain: string;
}

/** Invalidated transaction -> the marker that invalidated it. */
export function invalidations(log: readonly LogEntry[]): Map<number, LogEntry> {
  const out = new Map<number, LogEntry>();
  for (const e of log) if (e.type === 'invalidate') out.set(e.target!, e);
  return out;
}

/**
 * The newest event of each key (markers aside): in the valid view only events of transactions that
 * are valid now; with `asOfTxn` only events of transactions up to it. Tombstones included.
 */
export function headsOf(
  log: readonly LogEntry[],
  invalid: ReadonlyMap<number, LogEntry>,
  view: SurfaceView,
  asOfTxn?: number,
): Map<string, LogEntry> {
  const heads = new Map<string, LogEntry>();
  for (const e of log) {
    if (e.type !== 'event') continue;
    if (asOfTxn !== undefined && e.txn > asOfTxn) continue;
    if (view === 'valid' && invalid.has(e.txn)) continue;
    heads.set(e.key, e);
  }
  return heads;
}

/** The surface's entries: the heads that are not tombstones, in code point key order. */
export function surfaceHeads(
  log: readonly LogEntry[],
  invalid: ReadonlyMap<number, LogEntry>,
  view: SurfaceView,
  asOfTxn?: number,
): LogEntry[] {
  return [...headsOf(log, invalid, view, asOfTxn).values()]
    .filter((e) => !e.tomb)
    .sort((a, b) => compareKeys(a.key, b.key));
}

/** The surface row of a head (`surfaceHeads`), its data parsed from the stored text. */
export function surfaceRowOf(e: LogEntry, invalid: ReadonlyMap<number, LogEntry>, view: SurfaceView): SurfaceRow {
  const row: SurfaceRow = { key: e.key, seq: e.seq, txn: e.txn, hash: e.hash, data: parse(e.data), time: e.time };
  if (view === 'raw' && invalid.has(e.txn)) row.invalid = true;
  return row;
}

/** The surface: the heads that are not tombstones, in code point key order. */
export function surfaceOf(log: readonly LogEntry[], view: SurfaceView, asOfTxn?: number): SurfaceRow[] {
  const invalid = invalidations(log);
  return surfaceHeads(log, invalid, view, asOfTxn).map((e) => surfaceRowOf(e, invalid, view));
}

/** The counters of a topic whose log is not empty. */
export function topicInfoOf(topic: string, log: readonly LogEntry[]): TopicInfo {
  const last = log[log.length - 1]!;
  return {
    topic,
    events: log.length,
    keys: surfaceOf(log, 'valid').length,
    maxSeq: last.seq,
    maxTxn: last.txn,
    invalidTxns: invalidations(log).size,
    lastTime: last.time,
    head: last.chain,
  };
}

/** One row per transaction, in txn order: its seq range, time, and whether (and why) it is invalid. */
export function txnsOf(log: readonly LogEntry[]): TxnInfo[] {
  const invalid = invalidations(log);
  const out: TxnInfo[] = [];
  for (const e of log) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.txn === e.txn) {
      prev.lastSeq = e.seq;
      prev.count++;
      continue;
    }
    const marker = invalid.get(e.txn);
    const info: TxnInfo = {
      txn: e.txn,
      firstSeq: e.seq,
      lastSeq: e.seq,
      count: 1,
      time: e.time,
      invalidatedBy: marker?.seq ?? null,
      reason: marker?.reason ?? null,
      meta: metaOf(e.meta),
      by: e.by,
      chain: e.chain,
    };
    if (e.type === 'invalidate') info.marker = true;
    out.push(info);
  }
  return out;
}

/** The contract shape of a log entry (a fresh object: callers may change it freely). */
export function eventOf(topic: string, e: LogEntry, invalid: ReadonlyMap<number, LogEntry>): StoredEvent {
  const ev: StoredEvent = {
    topic,
    seq: e.seq,
    txn: e.txn,
    key: e.key,
    type: e.type,
    data: parse(e.data),
    contentType: e.contentType,
    hash: e.hash,
    time: e.time,
  };
  if (e.target !== undefined) ev.target = e.target;
  if (e.reason !== undefined) ev.reason = e.reason;
  if (invalid.has(e.txn)) ev.invalid = true;
  return ev;
}

function parse(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}

/** A topic's timeline, the obvious fold: every transaction into its bucket (model/timeline.ts plan). */
export function timelineFold(topic: string, txns: readonly TxnInfo[], opts?: TimelineOptions): Timeline {
  const req = normalizeTimeline(opts);
  const ms = txns.map((t) => Date.parse(t.time));
  const first = ms.reduce<number | null>((m, v) => (m === null || v < m ? v : m), null);
  const last = ms.reduce<number | null>((m, v) => (m === null || v > m ? v : m), null);
  const plan = planTimeline(req, first, last);
  if (plan === null) return timelineOf(topic, plan, []);
  const buckets = new Map<number, BucketCounts>();
  txns.forEach((t, i) => {
    const time = ms[i]!;
    if (time < plan.fromMs || time >= plan.toMs) return;
    const index = bucketIndex(plan, time);
    const b = buckets.get(index) ?? {
      index,
      txns: 0,
      events: 0,
      invalidated: 0,
      invalidEvents: 0,
      markers: 0,
      firstTxn: t.txn,
      lastTxn: t.txn,
      maxEvents: 0,
      maxEventsTxn: t.txn,
    };
    b.txns++;
    b.events += t.count;
    if (t.invalidatedBy !== null) {
      b.invalidated++;
      b.invalidEvents += t.count;
    }
    if (t.marker === true) b.markers++;
    b.firstTxn = Math.min(b.firstTxn, t.txn);
    b.lastTxn = Math.max(b.lastTxn, t.txn);
    if (t.count > b.maxEvents || (t.count === b.maxEvents && t.txn < b.maxEventsTxn)) {
      b.maxEvents = t.count;
      b.maxEventsTxn = t.txn;
    }
    buckets.set(index, b);
  });
  const sorted = [...buckets.values()].sort((a, b) => a.index - b.index);
  return timelineOf(
    topic,
    plan,
    sorted.map((c) => timelineBucket(plan, c)),
  );
}

/**
 * The first `limit` items, cut by their data's bytes when `bytesOf` is given (store/page-cut.ts),
 * and the cursor of the last one when more follow.
 */
export function page<T, C>(
  items: T[],
  limit: number,
  cursor: (item: T) => C,
  bytesOf: (item: T) => number = () => 0,
): { items: T[]; next: C | null } {
  const { rows, more } = cutPage(items, limit, bytesOf);
  return { items: rows, next: more ? cursor(rows[rows.length - 1]!) : null };
}

/** A log entry's data bytes as a page counts them (store/page-cut.ts): its stored text. */
export const entryBytes = (e: LogEntry): number => dataBytes(e.data);
