/**
 * Turning stored rows into contract shapes: events, transactions, topic counters and surface
 * rows. Times are stored as integer milliseconds and rendered as ISO-8601 UTC; consecutive rows
 * of one transaction share a time, so the last conversion is cached.
 */
import { DEFAULT_CONTENT_TYPE } from '../../model/limits';
import type { StoredEventText, SurfaceRowText } from '../../model/stored-json';
import type { JsonValue, StoredEvent, SurfaceRow, TopicInfo, TxnInfo } from '../../model/types';
import { metaOf } from '../meta';
import { topicInfoFrom } from '../topic-row';
import type { EventTuple, TopicRow, TxnRow } from './statements';

let lastMs = Number.NaN;
let lastIso = '';
/** Surface pages visit transactions in key order, so times repeat but not consecutively. */
const isoCache = new Map<number, string>();
const ISO_CACHE_MAX = 8192;

export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    let iso = isoCache.get(ms);
    if (iso === undefined) {
      iso = new Date(ms).toISOString();
      if (isoCache.size >= ISO_CACHE_MAX) isoCache.clear();
      isoCache.set(ms, iso);
    }
    lastMs = ms;
    lastIso = iso;
  }
  return lastIso;
}

export function parseData(text: string | null): JsonValue {
  return text === null ? null : (JSON.parse(text) as JsonValue);
}

/** An event row with its data as `D`: parsed JSON (`StoredEvent`) or the stored text (`StoredEventText`). */
type EventWith<D> = Omit<StoredEvent, 'data'> & { data: D };

/** The one mapping of an event row to the contract shape; only how its data is given differs. */
function eventFrom<D>(topic: string, r: EventTuple, data: D): EventWith<D> {
  const ev: EventWith<D> = {
    topic,
    seq: r[0],
    txn: r[1],
    key: r[2],
    type: r[3] ? 'invalidate' : 'event',
    data,
    contentType: r[5] ?? DEFAULT_CONTENT_TYPE,
    hash: r[6],
    time: isoTime(r[7]),
  };
  if (r[3]) {
    ev.target = r[9] ?? 0;
    ev.reason = r[10] ?? '';
  }
  if (r[8]) ev.invalid = true;
  return ev;
}

export function eventOf(topic: string, r: EventTuple): StoredEvent {
  return eventFrom(topic, r, parseData(r[4]));
}

/** `eventOf` with the data left as the stored JSON text (`null` for a marker or tombstone). */
export function eventTextOf(topic: string, r: EventTuple): StoredEventText {
  return eventFrom(topic, r, r[4] ?? 'null');
}

export function txnInfoOf(r: TxnRow): TxnInfo {
  const info: TxnInfo = {
    txn: r.txn,
    firstSeq: r.first_seq,
    lastSeq: r.last_seq,
    count: r.last_seq - r.first_seq + 1,
    time: isoTime(r.time),
    invalidatedBy: r.invalidated_by,
    reason: r.reason,
    meta: metaOf(r.meta),
    by: r.by_name,
    chain: r.chain,
  };
  if (r.marker) info.marker = true;
  return info;
}

export function topicInfoOf(r: TopicRow): TopicInfo {
  return topicInfoFrom(r, r.last_time === null ? null : isoTime(r.last_time));
}

/**
 * A surface row as the statement returns it in raw (array) mode, which skips building a keyed
 * object per row: [key, seq, txn, hash, data, time, invalid, data bytes] (the data as a page reads
 * it, store/page-cut.ts: NULL past 8 KiB until read by seq).
 */
export type SurfaceDbRow = [string, number, number, string, string | null, number, number, number | null];

/** The one mapping of a surface row; only how its data is given differs (as for events). */
function surfaceRowFrom<D>(r: SurfaceDbRow, raw: boolean, data: D): Omit<SurfaceRow, 'data'> & { data: D } {
  const row: Omit<SurfaceRow, 'data'> & { data: D } = {
    key: r[0],
    seq: r[1],
    txn: r[2],
    hash: r[3],
    data,
    time: isoTime(r[5]),
  };
  if (raw && r[6]) row.invalid = true;
  return row;
}

export function surfaceRowOf(r: SurfaceDbRow, raw: boolean): SurfaceRow {
  return surfaceRowFrom(r, raw, parseData(r[4]));
}

/** `surfaceRowOf` with the data left as the stored JSON text. */
export function surfaceRowTextOf(r: SurfaceDbRow, raw: boolean): SurfaceRowText {
  return surfaceRowFrom(r, raw, r[4] ?? 'null');
}
