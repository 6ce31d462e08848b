/**
 * Verify's source over a PostgreSQL store (store/verify.ts): the RAW rows of one topic, read on one
 * pooled connection inside a REPEATABLE READ READ ONLY transaction (one snapshot for the whole
 * verify; writers are not blocked). Transactions, events and heads rows are read in keyset pages
 * along their primary keys; the log's fold (newest event and newest valid event per key) is one
 * query read through a cursor (`fold` is called in key order, as the engine does), so PostgreSQL
 * streams it instead of aggregating again per page. An event's `invalid` is its transaction's
 * `invalidated_by` (PostgreSQL keeps no flag per event).
 */
import type pg from 'pg';
import type { RawCounters, RawEvent, RawHead, RawTxn, VerifySource } from '../verify';
import type { Db } from './db';
import { toStoreError } from './errors';

interface TxnRow {
  txn: number;
  first_seq: number;
  last_seq: number;
  time: string;
  marker: boolean;
  invalidated_by: number | null;
  meta: string | null;
  by_name: string | null;
  chain: string | null;
}

interface EventRow {
  seq: number;
  txn: number;
  key: string;
  type: string;
  data: string;
  content_type: string;
  hash: string;
  time: string;
  target: number | null;
  reason: string | null;
  invalid: boolean | null;
}

interface HeadRow {
  key: string;
  raw_seq: number;
  raw_tomb: boolean;
  valid_seq: number | null;
  valid_tomb: boolean | null;
  valid_hash: string | null;
  raw_txn?: number;
}

const TXN_COLS = 'txn, first_seq, last_seq, time, marker, invalidated_by, meta, by_name, chain';

const txnOf = (r: TxnRow): RawTxn => ({
  txn: r.txn,
  firstSeq: r.first_seq,
  lastSeq: r.last_seq,
  time: r.time,
  by: r.by_name,
  meta: r.meta,
  marker: r.marker,
  invalidatedBy: r.invalidated_by,
  chain: r.chain,
});

const eventOf = (r: EventRow): RawEvent => ({
  seq: r.seq,
  txn: r.txn,
  key: r.key,
  marker: r.type === 'invalidate',
  data: r.data,
  contentType: r.content_type,
  hash: r.hash,
  time: r.time,
  target: r.target,
  reason: r.reason,
  invalid: r.invalid === true,
});

const headOf = (r: HeadRow): RawHead => {
  const h: RawHead = {
    key: r.key,
    rawSeq: r.raw_seq,
    rawLive: !r.raw_tomb,
    validSeq: r.valid_seq,
    validLive: r.valid_seq !== null && r.valid_tomb === false,
    validHash: r.valid_hash,
  };
  if (r.raw_txn !== undefined) h.rawTxn = r.raw_txn;
  return h;
};

/** Opens the snapshot and returns a source for `topic`. */
export async function postgresVerifySource(db: Db, topic: string): Promise<VerifySource> {
  const { t } = db;
  let c: pg.PoolClient;
  try {
    c = await db.pool.connect();
  } catch (err) {
    throw toStoreError(err, db.where);
  }
  const q = async <R extends object>(text: string, values: unknown[]): Promise<R[]> => {
    try {
      return (await c.query<R>(text, values)).rows;
    } catch (err) {
      throw toStoreError(err, db.where);
    }
  };
  let open = true;
  const close = async (): Promise<void> => {
    if (!open) return;
    open = false;
    try {
      await c.query('COMMIT');
      c.release();
    } catch (err) {
      c.release(err instanceof Error ? err : true);
    }
  };
  try {
    await q('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', []);
    const rows = await q<{ id: number } & Record<string, unknown>>(
      `SELECT id, max_seq, max_txn, keys, invalid_txns, last_time, head FROM ${t.topics} WHERE topic = $1`,
      [topic],
    );
    const row = rows[0];
    const id = row?.id ?? -1;
    const counters: RawCounters | null =
      row === undefined || row.max_seq === 0
        ? null
        : {
            maxSeq: row.max_seq as number,
            maxTxn: row.max_txn as number,
            keys: row.keys as number,
            invalidTxns: row.invalid_txns as number,
            lastTime: row.last_time as string | null,
            head: row.head as string | null,
          };
    const eventSql = `SELECT e.seq, e.txn, e.key, e.type, e.data, e.content_type, e.hash, e.time, e.target, e.reason,
      (x.invalidated_by IS NOT NULL) AS invalid FROM ${t.events} e
      LEFT JOIN ${t.txns} x ON x.topic_id = e.topic_id AND x.txn = e.txn WHERE e.topic_id = $1`;
    await q(
      `DECLARE verify_fold NO SCROLL CURSOR FOR
        SELECT f.key, f.raw_seq, f.valid_seq, r.txn AS raw_txn, r.tomb AS raw_tomb, v.tomb AS valid_tomb, v.hash AS valid_hash
        FROM (SELECT e.key, max(e.seq) AS raw_seq, max(e.seq) FILTER (WHERE x.invalidated_by IS NULL) AS valid_seq
              FROM ${t.events} e LEFT JOIN ${t.txns} x ON x.topic_id = e.topic_id AND x.txn = e.txn
              WHERE e.topic_id = ${Number(id)} AND e.type = 'event' GROUP BY e.key) f
        JOIN ${t.events} r ON r.topic_id = ${Number(id)} AND r.seq = f.raw_seq
        LEFT JOIN ${t.events} v ON v.topic_id = ${Number(id)} AND v.seq = f.valid_seq
        ORDER BY f.key`,
      [],
    );
    return {
      headHashLength: 64,
      counters: () => counters,
      txns: async (after, limit) =>
        (
          await q<TxnRow>(`SELECT ${TXN_COLS} FROM ${t.txns} WHERE topic_id = $1 AND txn > $2 ORDER BY txn LIMIT $3`, [
            id,
            after,
            limit,
          ])
        ).map(txnOf),
      txnAt: async (n) => {
        const r = await q<TxnRow>(`SELECT ${TXN_COLS} FROM ${t.txns} WHERE topic_id = $1 AND txn = $2`, [id, n]);
        return r[0] === undefined ? null : txnOf(r[0]);
      },
      events: async (after, limit) =>
        (await q<EventRow>(`${eventSql} AND e.seq > $2 ORDER BY e.seq LIMIT $3`, [id, after, limit])).map(eventOf),
      eventAt: async (seq) => {
        const r = await q<EventRow>(`${eventSql} AND e.seq = $2`, [id, seq]);
        return r[0] === undefined ? null : eventOf(r[0]);
      },
      heads: async (after, limit) =>
        (
          await q<HeadRow>(
            `SELECT key, raw_seq, raw_tomb, valid_seq, valid_tomb, valid_hash FROM ${t.heads}
              WHERE topic_id = $1 AND key > $2::text COLLATE "C" ORDER BY key LIMIT $3`,
            // Every key is greater than the empty string (keys are non-empty): the start.
            [id, after ?? '', limit],
          )
        ).map(headOf),
      fold: async (_after, limit) => (await q<HeadRow>(`FETCH ${Number(limit)} FROM verify_fold`, [])).map(headOf),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
