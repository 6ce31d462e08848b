/**
 * Verify's source over a SQLite store file (store/verify.ts): the RAW rows of one topic, read on a
 * connection of its own inside one read transaction (WAL: a snapshot that writers of this and
 * other processes do not disturb, and that does not block them). An in-memory database has no
 * second connection; there it reads the store's own connection, between its writes. The heads
 * rows hold no hash (schema.ts): the valid head's hash given is its event's, by primary key. The
 * maintained heads it gives are the heads rows folded with the topic's tail (schema.ts,
 * statements.ts `foldedHeadsSql`), and `invariant` checks the tail's own rules: heads_seq within
 * 0..max_seq, every tail event valid.
 */
import Database from 'better-sqlite3';
import type { RawCounters, RawEvent, RawHead, RawTxn, VerifySource } from '../verify';
import { DEFAULT_CONTENT_TYPE } from '../../model/limits';
import { liveOfSigned, seqOfSigned } from './heads';
import { isoTime } from './rows';
import { EVENT_COLS, type EventRow, type TopicRow as StoredTopicRow, type TxnRow, foldedHeadsSql } from './statements';

const TXN_COLS = 'txn, first_seq, last_seq, time, marker, invalidated_by, reason, meta, by_name, chain';

/** The topic's row as this read selects it (statements.ts `TopicRow` without its name). */
type TopicRow = Omit<StoredTopicRow, 'topic'>;

/** A heads row: `valid`/`raw` are signed seqs (negative: a tombstone; `raw` null: the valid head). */
interface HeadDbRow {
  key: string;
  valid: number | null;
  raw: number | null;
  vhash: string | null;
}

interface FoldDbRow {
  key: string;
  rseq: number;
  vseq: number | null;
  rtxn: number;
  rlive: number;
  vlive: number | null;
  vhash: string | null;
}

const FOLD_SQL = `SELECT f.key AS key, f.rseq AS rseq, f.vseq AS vseq, r.txn AS rtxn, r.data IS NOT NULL AS rlive,
  v.data IS NOT NULL AS vlive, v.hash AS vhash
  FROM (SELECT key, max(seq) AS rseq, max(CASE WHEN invalid = 0 THEN seq END) AS vseq
        FROM events INDEXED BY events_by_key WHERE topic_id = @topic AND marker = 0 AND key > @after
        GROUP BY key ORDER BY key LIMIT @limit) f
  JOIN events r ON r.topic_id = @topic AND r.seq = f.rseq
  LEFT JOIN events v ON v.topic_id = @topic AND v.seq = f.vseq
  ORDER BY f.key`;

function txnOf(r: TxnRow): RawTxn {
  return {
    txn: r.txn,
    firstSeq: r.first_seq,
    lastSeq: r.last_seq,
    time: isoTime(r.time),
    by: r.by_name,
    meta: r.meta,
    marker: r.marker === 1,
    invalidatedBy: r.invalidated_by,
    chain: r.chain,
  };
}

function eventOf(r: EventRow): RawEvent {
  return {
    seq: r.seq,
    txn: r.txn,
    key: r.key,
    marker: r.marker === 1,
    data: r.data,
    contentType: r.content_type ?? DEFAULT_CONTENT_TYPE,
    hash: r.hash,
    time: isoTime(r.time),
    target: r.target,
    reason: r.reason,
    invalid: r.invalid === 1,
  };
}

/**
 * A source for `topic` of the store file `file` (or, for an in-memory database, of `shared`).
 * The topic is looked up inside the snapshot.
 */
export function sqliteVerifySource(file: string, shared: Database.Database, topic: string): VerifySource {
  const own = file !== '' && file !== ':memory:';
  const db = own ? new Database(file, { readonly: true, fileMustExist: true }) : shared;
  if (own) db.exec('BEGIN');
  const topicRow = db
    .prepare<[string], TopicRow>(
      'SELECT id, max_seq, max_txn, keys, invalid_txns, last_time, head, heads_seq FROM topics WHERE name = ?',
    )
    .get(topic);
  const id = topicRow?.id ?? -1;
  const txns = db.prepare<[number, number, number], TxnRow>(
    `SELECT ${TXN_COLS} FROM txns WHERE topic_id = ? AND txn > ? ORDER BY txn LIMIT ?`,
  );
  const txnAt = db.prepare<[number, number], TxnRow>(`SELECT ${TXN_COLS} FROM txns WHERE topic_id = ? AND txn = ?`);
  const events = db.prepare<[number, number, number], EventRow>(
    `SELECT ${EVENT_COLS} FROM events e WHERE e.topic_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`,
  );
  const eventAt = db.prepare<[number, number], EventRow>(
    `SELECT ${EVENT_COLS} FROM events e WHERE e.topic_id = ? AND e.seq = ?`,
  );
  const heads = db.prepare<[{ topic: number; after: string; limit: number }], HeadDbRow>(foldedHeadsSql());
  const invalidTail = db
    .prepare<[number, number], number>(
      'SELECT seq FROM events WHERE topic_id = ? AND seq > ? AND marker = 0 AND invalid = 1 ORDER BY seq LIMIT 1',
    )
    .pluck();
  const fold = db.prepare<[{ topic: number; after: string; limit: number }], FoldDbRow>(FOLD_SQL);
  // Every key is greater than the empty string (keys are non-empty), the start of both streams.
  const from = (after: string | null): string => after ?? '';
  return {
    headHashLength: 64,
    counters: (): RawCounters | null =>
      topicRow === undefined || topicRow.max_seq === 0
        ? null
        : {
            maxSeq: topicRow.max_seq,
            maxTxn: topicRow.max_txn,
            keys: topicRow.keys,
            invalidTxns: topicRow.invalid_txns,
            lastTime: topicRow.last_time === null ? null : isoTime(topicRow.last_time),
            head: topicRow.head,
          },
    txns: (after, limit) => txns.all(id, after, limit).map(txnOf),
    txnAt: (n) => {
      const r = txnAt.get(id, n);
      return r === undefined ? null : txnOf(r);
    },
    events: (after, limit) => events.all(id, after, limit).map(eventOf),
    eventAt: (seq) => {
      const r = eventAt.get(id, seq);
      return r === undefined ? null : eventOf(r);
    },
    invariant: (): string | null => {
      if (topicRow === undefined) return null;
      const { heads_seq: hs, max_seq: max } = topicRow;
      if (!Number.isSafeInteger(hs) || hs < 0 || hs > max) {
        return `the heads rows' heads_seq ${String(hs)} is outside 0..max_seq ${max}`;
      }
      const bad = invalidTail.get(id, hs);
      return bad === undefined ? null : `event seq ${bad} is invalid but in the tail above heads_seq ${hs}`;
    },
    heads: (after, limit): RawHead[] =>
      heads.all({ topic: id, after: from(after), limit }).map((r) => {
        const raw = r.raw ?? r.valid ?? 0;
        return {
          key: r.key,
          rawSeq: seqOfSigned(raw),
          rawLive: liveOfSigned(raw) === 1,
          validSeq: r.valid === null ? null : seqOfSigned(r.valid),
          validLive: r.valid !== null && liveOfSigned(r.valid) === 1,
          validHash: r.vhash,
        };
      }),
    fold: (after, limit): RawHead[] =>
      fold.all({ topic: id, after: from(after), limit }).map((r) => ({
        key: r.key,
        rawSeq: r.rseq,
        rawLive: r.rlive === 1,
        validSeq: r.vseq,
        validLive: r.vlive === 1,
        validHash: r.vhash,
        rawTxn: r.rtxn,
      })),
    close: () => {
      if (!own) return;
      try {
        db.exec('COMMIT');
      } finally {
        db.close();
      }
    },
  };
}
