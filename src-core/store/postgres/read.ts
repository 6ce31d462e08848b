/**
 * The read side of the log: topic counters (served from the `topics` row, never counted), pages of
 * events (by seq, optionally one key or one transaction; `invalid: true` joined from the txn row),
 * pages of transactions and one transaction with its events. Pages fetch one row more than asked
 * to know whether a next page exists; `next` is the cursor to pass back (`after`, or `before` with
 * `order=desc`; both bounds apply in either order), null on the last page. An unknown topic reads as empty.
 */
import { noSuchTopic, noSuchTxn } from '../../model/errors';
import type { EventTextPage, StoredEventText, TxnTextDetail } from '../../model/stored-json';
import type {
  EventPage,
  EventType,
  ListTxnsOptions,
  ReadEventsOptions,
  StoredEvent,
  TopicInfo,
  TxnDetail,
  TxnInfo,
  TxnPage,
} from '../../model/types';
import { normalizeListTxns, normalizeReadEvents, validatePositiveInt, validateTopic } from '../../model/validate';
import { metaOf } from '../meta';
import { topicInfoFrom } from '../topic-row';
import { query, type Db } from './db';
import { type PageDataCols, cutRows, fillData, pageData } from './page-cut';

interface TopicRow {
  topic: string;
  max_seq: number;
  max_txn: number;
  keys: number;
  invalid_txns: number;
  last_time: string | null;
  head: string | null;
}

function topicInfoOf(r: TopicRow): TopicInfo {
  return topicInfoFrom(r, r.last_time);
}

const TOPIC_COLS = 'topic, max_seq, max_txn, keys, invalid_txns, last_time, head';

export async function listTopics(db: Db): Promise<TopicInfo[]> {
  const rows = await query<TopicRow>(db, `SELECT ${TOPIC_COLS} FROM ${db.t.topics} WHERE max_seq > 0 ORDER BY topic`);
  return rows.map(topicInfoOf);
}

export async function topicInfo(db: Db, topic: string): Promise<TopicInfo> {
  validateTopic(topic);
  const rows = await query<TopicRow>(db, `SELECT ${TOPIC_COLS} FROM ${db.t.topics} WHERE topic = $1 AND max_seq > 0`, [
    topic,
  ]);
  const r = rows[0];
  if (r === undefined) throw noSuchTopic(topic);
  return topicInfoOf(r);
}

export interface EventRow {
  seq: number;
  txn: number;
  key: string;
  type: EventType;
  data: string;
  content_type: string;
  hash: string;
  time: string;
  target: number | null;
  reason: string | null;
  invalid: boolean;
}

/** Columns of `events e` that `eventOf` reads, but `invalid`. */
const EVENT_OWN_COLS = 'e.seq, e.txn, e.key, e.type, e.data, e.content_type, e.hash, e.time, e.target, e.reason';
/** `EVENT_OWN_COLS` but `data`, which a page selects through page-cut.ts's `pageData`. */
const EVENT_PAGE_COLS = 'e.seq, e.txn, e.key, e.type, e.content_type, e.hash, e.time, e.target, e.reason';

/** Columns of `events e` joined with its txn row `x` that `eventOf` reads. */
export const EVENT_COLS = `${EVENT_OWN_COLS}, (x.invalidated_by IS NOT NULL) AS invalid`;

type EventWith<D> = Omit<StoredEvent, 'data'> & { data: D };

/** One mapping of an event row, whether its data is parsed or passed through as stored text. */
function eventFrom<D>(topic: string, r: EventRow, data: D): EventWith<D> {
  const ev: EventWith<D> = {
    topic,
    seq: r.seq,
    txn: r.txn,
    key: r.key,
    type: r.type,
    data,
    contentType: r.content_type,
    hash: r.hash,
    time: r.time,
  };
  if (r.target !== null) ev.target = r.target;
  if (r.reason !== null) ev.reason = r.reason;
  if (r.invalid) ev.invalid = true;
  return ev;
}

export function eventOf(topic: string, r: EventRow): StoredEvent {
  return eventFrom(topic, r, JSON.parse(r.data) as StoredEvent['data']);
}

/** `eventOf` with the data left as the stored JSON text. */
export function eventTextOf(topic: string, r: EventRow): StoredEventText {
  return eventFrom(topic, r, r.data);
}

export async function readEvents(db: Db, topic: string, opts?: ReadEventsOptions): Promise<EventPage> {
  const { rows, more } = await eventRows(db, topic, opts);
  return { events: rows.map((r) => eventOf(topic, r)), next: more ? rows[rows.length - 1]!.seq : null };
}

/** The same page with each event's data as the stored JSON text (the server writes it unparsed). */
export async function readEventsText(db: Db, topic: string, opts?: ReadEventsOptions): Promise<EventTextPage> {
  const { rows, more } = await eventRows(db, topic, opts);
  return { events: rows.map((r) => eventTextOf(topic, r)), next: more ? rows[rows.length - 1]!.seq : null };
}

/**
 * The rows of a page. Seq numbers are dense (1..max_seq), so a page without a key filter is also
 * bounded by seq (after + limit + 1, or before - limit - 1): the planner cannot choose to sort the
 * rest of the topic, however stale its statistics; `invalid` is one primary-key probe per row. The
 * page ends early by its data's bytes (page-cut.ts).
 */
async function eventRows(
  db: Db,
  topic: string,
  opts?: ReadEventsOptions,
): Promise<{ rows: EventRow[]; more: boolean }> {
  validateTopic(topic);
  const o = normalizeReadEvents(opts);
  // No key stored here holds NUL (PostgreSQL text cannot), so such a filter matches nothing; it
  // is not an error, as it may name a key stored with NUL elsewhere before that was refused.
  if (o.key?.includes('\u0000') === true) return { rows: [], more: false };
  const t = db.t;
  const values: unknown[] = [topic];
  const where: string[] = [`e.topic_id = (SELECT id FROM ${t.topics} WHERE topic = $1)`];
  const param = (v: unknown): string => {
    values.push(v);
    return `$${values.length}`;
  };
  const desc = o.order === 'desc';
  if (o.after !== undefined) where.push(`e.seq > ${param(o.after)}`);
  if (o.before !== undefined) where.push(`e.seq < ${param(o.before)}`);
  if (o.key !== undefined) where.push(`e.key = ${param(o.key)}`);
  else if (!desc) where.push(`e.seq <= ${param((o.after ?? 0) + o.limit + 1)}`);
  else if (o.before !== undefined) where.push(`e.seq >= ${param(o.before - o.limit - 1)}`);
  if (o.txn !== undefined) {
    const p = param(o.txn);
    const range = `FROM ${t.txns} r WHERE r.topic_id = e.topic_id AND r.txn = ${p}`;
    where.push(`e.seq >= (SELECT r.first_seq ${range}) AND e.seq <= (SELECT r.last_seq ${range})`);
  }
  const rows = await query<EventRow & PageDataCols>(
    db,
    `SELECT ${EVENT_PAGE_COLS}, ${pageData('e.data')},
            (SELECT x.invalidated_by IS NOT NULL FROM ${t.txns} x WHERE x.topic_id = e.topic_id AND x.txn = e.txn) AS invalid
       FROM ${t.events} e
      WHERE ${where.join(' AND ')}
      ORDER BY e.seq ${desc ? 'DESC' : 'ASC'} LIMIT ${param(o.limit + 1)}`,
    values,
  );
  // Cut by the rows' data bytes; large data is fetched for the rows kept only (page-cut.ts).
  const page = cutRows(rows, o.limit);
  return { rows: await fillData(db, topic, page.rows), more: page.more };
}

interface TxnRow {
  txn: number;
  first_seq: number;
  last_seq: number;
  count: number;
  time: string;
  invalidated_by: number | null;
  reason: string | null;
  marker: boolean;
  meta: string | null;
  by_name: string | null;
  chain: string;
}

const TXN_COLS = 'txn, first_seq, last_seq, count, time, invalidated_by, reason, marker, meta, by_name, chain';

function txnInfoOf(r: TxnRow): TxnInfo {
  const info: TxnInfo = {
    txn: r.txn,
    firstSeq: r.first_seq,
    lastSeq: r.last_seq,
    count: r.count,
    time: r.time,
    invalidatedBy: r.invalidated_by,
    reason: r.reason,
    meta: metaOf(r.meta),
    by: r.by_name,
    chain: r.chain,
  };
  if (r.marker) info.marker = true;
  return info;
}

export async function listTxns(db: Db, topic: string, opts?: ListTxnsOptions): Promise<TxnPage> {
  validateTopic(topic);
  const o = normalizeListTxns(opts);
  const desc = o.order === 'desc';
  const values: unknown[] = [topic];
  let bound = '';
  if (o.after !== undefined) {
    values.push(o.after);
    bound += ` AND txn > $${values.length}`;
  }
  if (o.before !== undefined) {
    values.push(o.before);
    bound += ` AND txn < $${values.length}`;
  }
  if (o.by !== undefined) {
    values.push(o.by);
    bound += ` AND by_name = $${values.length}`;
  }
  values.push(o.limit + 1);
  const rows = await query<TxnRow>(
    db,
    `SELECT ${TXN_COLS} FROM ${db.t.txns}
      WHERE topic_id = (SELECT id FROM ${db.t.topics} WHERE topic = $1)${bound}
      ORDER BY txn ${desc ? 'DESC' : 'ASC'} LIMIT $${values.length}`,
    values,
  );
  const more = rows.length > o.limit;
  const page = more ? rows.slice(0, o.limit) : rows;
  return { txns: page.map(txnInfoOf), next: more ? page[page.length - 1]!.txn : null };
}

export async function getTxn(db: Db, topic: string, txn: number): Promise<TxnDetail> {
  const { r, evs } = await txnRows(db, topic, txn);
  return { ...txnInfoOf(r), events: evs.map((e) => eventOf(topic, e)) };
}

/** The same transaction with each event's data as the stored JSON text (the server writes it unparsed). */
export async function getTxnText(db: Db, topic: string, txn: number): Promise<TxnTextDetail> {
  const { r, evs } = await txnRows(db, topic, txn);
  return { ...txnInfoOf(r), events: evs.map((e) => eventTextOf(topic, e)) };
}

async function txnRows(db: Db, topic: string, txn: number): Promise<{ r: TxnRow; evs: EventRow[] }> {
  validateTopic(topic);
  validatePositiveInt(txn, 'txn');
  const t = db.t;
  const rows = await query<TxnRow & { topic_id: number }>(
    db,
    `SELECT topic_id, ${TXN_COLS} FROM ${t.txns}
      WHERE topic_id = (SELECT id FROM ${t.topics} WHERE topic = $1) AND txn = $2`,
    [topic, txn],
  );
  const r = rows[0];
  if (r === undefined) throw noSuchTxn(topic, txn);
  const evs = await query<EventRow>(
    db,
    `SELECT ${EVENT_COLS}
       FROM ${t.events} e LEFT JOIN ${t.txns} x ON x.topic_id = e.topic_id AND x.txn = e.txn
      WHERE e.topic_id = $1 AND e.seq BETWEEN $2 AND $3 ORDER BY e.seq`,
    [r.topic_id, r.first_seq, r.last_seq],
  );
  return { r, evs };
}
