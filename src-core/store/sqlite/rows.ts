/**
 * Turning stored rows into contract shapes: events, transactions, topic counters and surface
 * rows. Times are stored as integer milliseconds and rendered as ISO-8601 UTC; consecutive rows
 * of one transaction share a time, so the last conversion is cached.
 */
import { DEFAULT_CONTENT_TYPE } from '../../model/limits';
import type { StoredEventText, SurfaceRowText } from '../../model/stored-json';
import type { JsonValue, StoredEvent, SurfaceRow, TopicInfo, TxnInfo } from '../../model/types';
import { metaOf } from '../prepare';
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

export function eventOf(topic: string, r: EventTuple): StoredEvent {
  const ev: StoredEvent = {
    topic,
    seq: r[0],
    txn: r[1],
    key: r[2],
    type: r[3] ? 'invalidate' : 'event',
    data: parseData(r[4]),
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

/** `eventOf` with the data left as the stored JSON text (`null` for a marker or tombstone). */
export function eventTextOf(topic: string, r: EventTuple): StoredEventText {
  const ev: StoredEventText = {
    topic,
    seq: r[0],
    txn: r[1],
    key: r[2],
    type: r[3] ? 'invalidate' : 'event',
    data: r[4] ?? 'null',
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
 * object per row: [key, seq, txn, hash, data, time, invalid].
 */
export type SurfaceDbRow = [string, number, number, string, string | null, number, number];

export function surfaceRowOf(r: SurfaceDbRow, raw: boolean): SurfaceRow {
  const row: SurfaceRow = {
    key: r[0],
    seq: r[1],
    txn: r[2],
    hash: r[3],
    data: parseData(r[4]),
    time: isoTime(r[5]),
  };
  if (raw && r[6]) row.invalid = true;
  return row;
}

/** `surfaceRowOf` with the data left as the stored JSON text. */
export function surfaceRowTextOf(r: SurfaceDbRow, raw: boolean): SurfaceRowText {
  const row: SurfaceRowText = {
    key: r[0],
    seq: r[1],
    txn: r[2],
    hash: r[3],
    data: r[4] ?? 'null',
    time: isoTime(r[5]),
  };
  if (raw && r[6]) row.invalid = true;
  return row;
}
