/**
 * The read path over the log and the transactions table: `readEvents` (asc/desc, after/before,
 * key and txn filters; a txn filter becomes a seq range from `txns`, a key filter uses the
 * (topic, key, seq) index), `listTxns`, `getTxn`, `topicInfo` and `listTopics` (served from the
 * maintained `topics` counters, never by counting). Pages read one row more than they hold to know
 * whether `next` is a cursor or null, and end early by their data's bytes (store/page-cut.ts):
 * data over 8 KiB is left out of the page's rows and read by seq for the rows the page keeps.
 */
import { noSuchTopic, noSuchTxn } from '../../model/errors';
import type { EventTextPage, TxnTextDetail } from '../../model/stored-json';
import type { EventPage, ListTxnsOptions, ReadEventsOptions, TopicInfo, TxnDetail, TxnPage } from '../../model/types';
import { normalizeListTxns, normalizeReadEvents, validatePositiveInt, validateTopic } from '../../model/validate';
import { cutPage, lenBytes, pageDataSql } from '../page-cut';
import { eventOf, eventTextOf, topicInfoOf, txnInfoOf } from './rows';
import { EVENT_COLS, type EventTuple, type StatementCache, type Statements, type TxnRow } from './statements';

const NO_UPPER = Number.MAX_SAFE_INTEGER;

const PAGE_DATA = pageDataSql('e.data');

/**
 * `EVENT_COLS` of a page of events (store/page-cut.ts): the data NULL past PAGE_INLINE_MAX bytes
 * (read by seq once the page is cut), and its bytes as one more, last, column.
 */
const PAGE_EVENT_COLS = `${EVENT_COLS.replace('e.data AS data', PAGE_DATA.data)}, ${PAGE_DATA.len}`;

/** A row of `PAGE_EVENT_COLS`: an `EventTuple` and its data's bytes (null: a tombstone). */
type PageEventTuple = [...EventTuple, number | null];

export interface ReadContext {
  st: Statements;
  cache: StatementCache;
}

export function listTopics({ st }: ReadContext): TopicInfo[] {
  return st.allTopics.all().map(topicInfoOf);
}

export function topicInfo({ st }: ReadContext, topic: string): TopicInfo {
  validateTopic(topic);
  const row = st.topicRow.get(topic);
  if (!row || row.max_seq === 0) throw noSuchTopic(topic);
  return topicInfoOf(row);
}

export function readEvents(ctx: ReadContext, topic: string, opts?: ReadEventsOptions): EventPage {
  const { rows, more } = eventRows(ctx, topic, opts);
  const events = rows.map((r) => eventOf(topic, r));
  return { events, next: more ? events[events.length - 1]!.seq : null };
}

/** The same page with each event's data as the stored JSON text (the server writes it unparsed). */
export function readEventsText(ctx: ReadContext, topic: string, opts?: ReadEventsOptions): EventTextPage {
  const { rows, more } = eventRows(ctx, topic, opts);
  const events = rows.map((r) => eventTextOf(topic, r));
  return { events, next: more ? events[events.length - 1]!.seq : null };
}

const NO_ROWS = { rows: [], more: false };

function eventRows(
  { st, cache }: ReadContext,
  topic: string,
  opts?: ReadEventsOptions,
): { rows: EventTuple[]; more: boolean } {
  validateTopic(topic);
  const o = normalizeReadEvents(opts);
  const t = st.topicRow.get(topic);
  if (!t) return NO_ROWS;
  let lo = o.after ?? 0;
  let hi = o.before ?? NO_UPPER;
  if (o.txn !== undefined) {
    const tr = st.txn.get(t.id, o.txn);
    if (!tr) return NO_ROWS;
    lo = Math.max(lo, tr.first_seq - 1);
    hi = Math.min(hi, tr.last_seq + 1);
  }
  if (lo + 1 >= hi) return NO_ROWS;
  const desc = o.order === 'desc';
  const sql =
    // Without INDEXED BY the planner walks the whole seq range of the topic for a key filter.
    `SELECT ${PAGE_EVENT_COLS} FROM events e` +
    (o.key !== undefined
      ? ' INDEXED BY events_by_key WHERE e.topic_id = @topic AND e.key = @key'
      : ' WHERE e.topic_id = @topic') +
    ` AND e.seq > @lo AND e.seq < @hi ORDER BY e.seq ${desc ? 'DESC' : 'ASC'} LIMIT @limit`;
  const params: Record<string, string | number> = { topic: t.id, lo, hi, limit: o.limit + 1 };
  if (o.key !== undefined) params.key = o.key;
  const rows = cache.getRaw<[Record<string, string | number>], PageEventTuple>(sql).all(params);
  const page = cutPage(rows, o.limit, EVENT_BYTES);
  // A page row is an EventTuple with its data's bytes after it, which the mappings do not read.
  return { rows: fillPageData(cache, t.id, page.rows, 0, 4, 11) as unknown as EventTuple[], more: page.more };
}

const EVENT_BYTES = (r: PageEventTuple): number => lenBytes(r[11]);

/**
 * Reads the data that page rows left out (over PAGE_INLINE_MAX bytes: data NULL, bytes not) by
 * seq, for the rows a page kept (store/page-cut.ts). Events never change once written.
 */
export function fillPageData<R extends unknown[]>(
  cache: StatementCache,
  topicId: number,
  rows: R[],
  seqAt: number,
  dataAt: number,
  lenAt: number,
): R[] {
  for (const r of rows) {
    if (r[dataAt] !== null || r[lenAt] === null) continue;
    const got = cache.getRaw<[number, number], [string]>(DATA_BY_SEQ).get(topicId, r[seqAt] as number);
    r[dataAt] = got?.[0] ?? null;
  }
  return rows;
}

const DATA_BY_SEQ = 'SELECT e.data FROM events e WHERE e.topic_id = ? AND e.seq = ?';

export function listTxns({ st }: ReadContext, topic: string, opts?: ListTxnsOptions): TxnPage {
  validateTopic(topic);
  const o = normalizeListTxns(opts);
  const t = st.topicRow.get(topic);
  if (!t) return { txns: [], next: null };
  const after = o.after ?? 0;
  const before = o.before ?? NO_UPPER;
  const rows =
    o.by === undefined
      ? (o.order === 'desc' ? st.txnsDesc : st.txnsAsc).all(t.id, after, before, o.limit + 1)
      : (o.order === 'desc' ? st.txnsByDesc : st.txnsByAsc).all(t.id, o.by, after, before, o.limit + 1);
  const more = rows.length > o.limit;
  if (more) rows.pop();
  const txns = rows.map(txnInfoOf);
  return { txns, next: more ? txns[txns.length - 1]!.txn : null };
}

export function getTxn(ctx: ReadContext, topic: string, txn: number): TxnDetail {
  const { tr, rows } = txnRows(ctx, topic, txn);
  return { ...txnInfoOf(tr), events: rows.map((r) => eventOf(topic, r)) };
}

/** The same transaction with each event's data as the stored JSON text (the server writes it unparsed). */
export function getTxnText(ctx: ReadContext, topic: string, txn: number): TxnTextDetail {
  const { tr, rows } = txnRows(ctx, topic, txn);
  return { ...txnInfoOf(tr), events: rows.map((r) => eventTextOf(topic, r)) };
}

function txnRows({ st }: ReadContext, topic: string, txn: number): { tr: TxnRow; rows: EventTuple[] } {
  validateTopic(topic);
  validatePositiveInt(txn, 'txn');
  const t = st.topicRow.get(topic);
  const tr = t ? st.txn.get(t.id, txn) : undefined;
  if (!t || !tr) throw noSuchTxn(topic, txn);
  return { tr, rows: st.eventsInRange.all(t.id, tr.first_seq, tr.last_seq) };
}
