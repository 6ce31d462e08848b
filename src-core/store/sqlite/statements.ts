/**
 * Every SQL statement of the SQLite backend, prepared once per connection, with the row shapes
 * they return. Statements whose text depends on options (filters present or not) are prepared on
 * first use and cached by text (`StatementCache`), so nothing is prepared per request. This is
 * where the schema's SQL names (schema.ts) are mapped to the storage vocabulary: the heads rows'
 * signed `valid`/`raw` columns are read only here (`HeadRow`, `surfaceSql`, `foldedHeadsSql`), and
 * `topics.name` is selected as `topic`.
 *
 * It is also the one home of the fold of a topic's heads rows with its tail (schema.ts): a key's
 * heads are its newest tail event when the tail has one (every tail event is valid, and newer than
 * anything its heads row accounts for), else its heads row. `tailSql` selects the tail per key;
 * `surfaceSql` (with `tail`), `foldedHeadsSql` and `headRow` merge it with the heads rows, and
 * `applyTail` writes it into them. The reads' statements take heads_seq from the topic row inside
 * the statement itself, so heads rows and heads_seq come from one snapshot even while another
 * process applies the tail; the write path passes the heads_seq its batch holds.
 */
import type Database from 'better-sqlite3';
import type { TimelineRow } from '../timeline-row';
import { pageDataSql } from '../page-cut';

export interface TopicRow {
  id: number;
  topic: string;
  max_seq: number;
  max_txn: number;
  keys: number;
  invalid_txns: number;
  last_time: number | null;
  /** The chain of the last transaction (v3), or null. */
  head: string | null;
  /** The heads rows account for every event up to this seq; the events above are the tail (v5). */
  heads_seq: number;
}

export interface EventRow {
  seq: number;
  txn: number;
  key: string;
  marker: number;
  data: string | null;
  content_type: string | null;
  hash: string;
  time: number;
  invalid: number;
  target: number | null;
  reason: string | null;
}

/**
 * A topic's transactions per time bucket, in one statement over the txns primary key
 * (topic_id, txn): a pass that groups by bucket, then, per bucket, the lowest of its transactions
 * with the most events, found by a primary-key range scan of that bucket's own transactions.
 */
const TIMELINE_SQL = `WITH p AS (SELECT CAST(@from AS INTEGER) AS f, CAST(@bms AS INTEGER) AS w), g AS (
  SELECT (time - p.f) / p.w AS b, count(*) AS txns, sum(last_seq - first_seq + 1) AS events,
    sum(invalidated_by IS NOT NULL) AS invalidated,
    sum(CASE WHEN invalidated_by IS NULL THEN 0 ELSE last_seq - first_seq + 1 END) AS invalid_events,
    sum(marker) AS markers, min(txn) AS first_txn, max(txn) AS last_txn, max(last_seq - first_seq + 1) AS max_events
  FROM txns, p WHERE topic_id = @topic AND time >= @from AND time < @to GROUP BY b
)
SELECT g.*, (
  SELECT x.txn FROM txns x, p WHERE x.topic_id = @topic AND x.txn BETWEEN g.first_txn AND g.last_txn
    AND x.time >= p.f + g.b * p.w AND x.time < p.f + (g.b + 1) * p.w
    AND x.last_seq - x.first_seq + 1 = g.max_events ORDER BY x.txn LIMIT 1
) AS max_events_txn FROM g ORDER BY g.b`;

export interface TxnRow {
  txn: number;
  first_seq: number;
  last_seq: number;
  time: number;
  marker: number;
  invalidated_by: number | null;
  reason: string | null;
  meta: string | null;
  by_name: string | null;
  chain: string;
}

/**
 * A key's valid head as its heads row holds it: `valid` is its seq, negated for a tombstone, null
 * when the key has no valid event (schema.ts); `hash` the head event's hash.
 */
export interface HeadRow {
  valid: number;
  hash: string;
}

export interface ValidHeadRow {
  seq: number;
  hash: string;
  live: number;
}

/**
 * An event row as the statements selecting `EVENT_COLS` return it in raw (array) mode, which skips
 * building a keyed object per row: [seq, txn, key, marker, data, content_type, hash, time,
 * invalid, target, reason].
 */
export type EventTuple = [
  number,
  number,
  string,
  number,
  string | null,
  string | null,
  string,
  number,
  number,
  number | null,
  string | null,
];

export const EVENT_COLS =
  'e.seq AS seq, e.txn AS txn, e.key AS key, e.marker AS marker, e.data AS data, e.content_type AS content_type, e.hash AS hash, e.time AS time, e.invalid AS invalid, e.target AS target, e.reason AS reason';

const PAGE_DATA = pageDataSql('e.data');

/** The columns of a surface row, its data whole (bench/reads.ts's raw baseline runs `surfaceSql` with them). */
export const SURFACE_COLS =
  'l.key AS key, e.seq AS seq, e.txn AS txn, e.hash AS hash, e.data AS data, e.time AS time, e.invalid AS invalid';

/** `SURFACE_COLS` of a page (store/page-cut.ts): the data NULL past PAGE_INLINE_MAX bytes, its bytes last (rows.ts). */
const SURFACE_PAGE_COLS = `${SURFACE_COLS.replace('e.data AS data', PAGE_DATA.data)}, ${PAGE_DATA.len}`;

const TXN_COLS = 'txn, first_seq, last_seq, time, marker, invalidated_by, reason, meta, by_name, chain';

const TOPIC_COLS = 'id, name AS topic, max_seq, max_txn, keys, invalid_txns, last_time, head, heads_seq';

/**
 * The topic's tail (schema.ts) as a CTE named `tail`: per key with an event above the topic's
 * heads_seq (markers aside), `topic_id`, `key`, `seq` (the key's newest such event) and `live`
 * (1 unless that event is a tombstone: a bare column of the row max() picked), in key order. `where` filters the events (alias `l`: the same conditions on `l.topic_id` and `l.key`
 * as on the heads rows, @topic the topic's id); heads_seq is read from the topic row by the
 * statement itself.
 */
function tailSql(where: string[]): string {
  // `+l.key`: the key conditions must not lead the planner to events_by_key (every event of the
  // key range); the tail is read as the seq range above heads_seq, along the primary key.
  const cond = where.map((w) => w.replace(/^l\.key /, '+l.key '));
  return (
    'tail AS MATERIALIZED (SELECT l.topic_id AS topic_id, l.key AS key, max(l.seq) AS seq,' +
    ' l.data IS NOT NULL AS live FROM events l' +
    ` WHERE ${cond.join(' AND ')} AND l.seq > (SELECT heads_seq FROM topics WHERE id = @topic) AND l.marker = 0` +
    ' GROUP BY l.key)'
  );
}

/**
 * The SQL of a surface page over the heads rows joined to their events, selecting the columns of
 * `SurfaceDbRow` (rows.ts) in key order. `where` filters the heads rows (alias `l`) by the named
 * parameters @topic, @lower, @upper; @limit bounds the page. With `asOf`, each key's event is its
 * newest at or before @bound (valid view: not invalid now); otherwise its current valid or raw
 * head, skipping tombstones. With `tail` (the topic has one), the heads rows are folded with the
 * tail: the keys the tail holds are read from it (their newest tail event is both their valid and
 * their raw head), the others from the heads rows, the two merged in key order (a compound
 * SELECT whose ORDER BY SQLite runs as a merge of its two key-ordered halves). Only the first
 * @limit live tail keys are joined to their events (the tail's half is computed whole before the
 * merge: a join per tail key made a first page over a tail of 4,096 events cost 12 ms). As of a
 * past txn, a key's answer depends on the key alone: the heads rows give theirs, the tail only
 * the keys that have no heads row yet. `cols` selects a page's columns (`SURFACE_PAGE_COLS`)
 * unless told otherwise.
 */
export function surfaceSql(
  where: string[],
  raw: boolean,
  asOf: boolean,
  tail = false,
  cols: string = SURFACE_PAGE_COLS,
): string {
  if (asOf) {
    const event =
      'JOIN events e ON e.topic_id = l.topic_id AND e.seq = (' +
      'SELECT e2.seq FROM events e2 INDEXED BY events_by_key WHERE e2.topic_id = l.topic_id AND e2.key = l.key AND e2.seq <= @bound' +
      (raw ? '' : ' AND e2.invalid = 0') +
      ' ORDER BY e2.seq DESC LIMIT 1)';
    const heads = `SELECT ${cols} FROM heads l ${event} WHERE ${where.join(' AND ')} AND e.data IS NOT NULL`;
    if (!tail) return `${heads} ORDER BY l.key LIMIT @limit`;
    return (
      `WITH ${tailSql(where)} ${heads} UNION ALL ` +
      `SELECT ${cols} FROM tail l ${event} WHERE e.data IS NOT NULL AND NOT EXISTS ` +
      '(SELECT 1 FROM heads h WHERE h.topic_id = l.topic_id AND h.key = l.key) ORDER BY key LIMIT @limit'
    );
  }
  // A live head's seq is positive (schema.ts): `> 0` keeps live heads, and the seq is the column.
  const head = raw ? 'coalesce(l.raw, l.valid)' : 'l.valid';
  const heads =
    `SELECT ${cols} FROM heads l JOIN events e ON e.topic_id = l.topic_id AND e.seq = ${head}` +
    ` WHERE ${[...where, ...(tail ? ['l.key NOT IN (SELECT key FROM tail)'] : []), `${head} > 0`].join(' AND ')}`;
  if (!tail) return `${heads} ORDER BY l.key LIMIT @limit`;
  return (
    `WITH ${tailSql(where)} ${heads} UNION ALL ` +
    `SELECT ${cols} FROM (SELECT * FROM tail WHERE live ORDER BY key LIMIT @limit) l` +
    ' JOIN events e ON e.topic_id = l.topic_id AND e.seq = l.seq ORDER BY key LIMIT @limit'
  );
}

/**
 * A page of a topic's heads, folded with its tail, for verify: `key`, `valid`, `raw` (signed seqs
 * as in a heads row, `raw` NULL when it is the valid head) and `vhash` (the valid head event's
 * hash), key > @after, in key order, at most @limit; @topic the topic's id.
 */
export function foldedHeadsSql(): string {
  const where = ['l.topic_id = @topic', 'l.key > @after'];
  return (
    `WITH ${tailSql(where)} ` +
    'SELECT l.key AS key, l.valid AS valid, l.raw AS raw, e.hash AS vhash FROM heads l' +
    ' LEFT JOIN events e ON e.topic_id = l.topic_id AND e.seq = abs(l.valid)' +
    ` WHERE ${where.join(' AND ')} AND l.key NOT IN (SELECT key FROM tail) UNION ALL ` +
    'SELECT l.key AS key, CASE WHEN l.live THEN l.seq ELSE -l.seq END AS valid, NULL AS raw, e.hash AS vhash' +
    ' FROM (SELECT * FROM tail ORDER BY key LIMIT @limit) l JOIN events e ON e.topic_id = l.topic_id AND e.seq = l.seq' +
    ' ORDER BY key LIMIT @limit'
  );
}

/**
 * Rows the write path inserts with one statement (events, txns rows): one call and one
 * statement step for many rows is cheaper than a call per row (docs/bench.md, "The hash chain").
 * They are `INSERT OR FAIL`: a statement that may write many rows and ABORT half way makes SQLite
 * copy every page it touches to a statement journal first, which costs more than the calls saved;
 * FAIL needs none, and a failure still rolls back the whole write transaction (it is not a coded
 * error, so nothing catches it before `write()` does).
 */
export const ROWS_PER_INSERT = 16;

/**
 * The parameters of several rows, row after row. The write path passes them spread (`run(...args)`),
 * not as one array argument: better-sqlite3 binds an array argument element by element through
 * V8's C++ API (a property lookup per parameter), which measured 0.15-0.2 µs per row more than
 * binding the same values as arguments (docs/bench.md, "The hash chain").
 */
export type RowArgs = (number | string | null)[];

const rows = (row: string): string => Array.from({ length: ROWS_PER_INSERT }, () => row).join(', ');

const EVENT_INSERT_COLS = '(topic_id, seq, txn, key, data, content_type, hash, time)';
const EVENT_ROW = '(?, ?, ?, ?, ?, ?, ?, ?)';
const TXN_INSERT_COLS = '(topic_id, txn, first_seq, last_seq, time, marker, meta, by_name, chain)';
const TXN_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** An applied tail event is its key's valid and raw head: `valid` its signed seq, `raw` NULL (schema.ts). */
const HEAD_INSERT_COLS = '(topic_id, key, valid, raw)';
const HEAD_UPSERT = 'ON CONFLICT (topic_id, key) DO UPDATE SET valid = excluded.valid, raw = NULL';
const HEAD_ROW = '(?, ?, ?, NULL)';

/**
 * The part of a better-sqlite3 prepared statement the backend uses. Named here because the type
 * better-sqlite3 declares cannot be named outside its package, which the type declarations of the
 * published package (dist/types) need.
 */
export interface Stmt<P extends unknown[], R> {
  run(...params: P): Database.RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export function prepareStatements(db: Database.Database) {
  const prepare = <P extends unknown[] = unknown[], R = unknown>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql);
  return {
    /** The file's schema version now (another process may have migrated it since it was opened). */
    schemaVersion: db.prepare<[], number>('PRAGMA user_version').pluck() as Stmt<[], number>,
    topicRow: prepare<[string], TopicRow>(`SELECT ${TOPIC_COLS} FROM topics WHERE name = ?`),
    allTopics: prepare<[], TopicRow>(`SELECT ${TOPIC_COLS} FROM topics WHERE max_seq > 0 ORDER BY name`),
    insertTopic: prepare<[string]>(
      'INSERT INTO topics (name, max_seq, max_txn, keys, invalid_txns, last_time) VALUES (?, 0, 0, 0, 0, NULL)',
    ),
    updateTopic: prepare<[number, number, number, number, number | null, string | null, number, number]>(
      'UPDATE topics SET max_seq = ?, max_txn = ?, keys = ?, invalid_txns = ?, last_time = ?, head = ?, heads_seq = ? WHERE id = ?',
    ),
    /**
     * The key's valid head, tail included, and its event's hash; no row when it has none.
     * Parameters: the topic's id, the key, the topic's heads_seq (the write path's, see above).
     * The key's newest tail event if it has one (found backwards through events_by_key, stopping
     * at heads_seq), else its heads row.
     */
    headRow: prepare<[{ topic: number; key: string; headsSeq: number }], HeadRow>(
      'SELECT valid, hash FROM (SELECT CASE WHEN data IS NULL THEN -seq ELSE seq END AS valid, hash' +
        ' FROM events INDEXED BY events_by_key WHERE topic_id = @topic AND key = @key AND seq > @headsSeq AND marker = 0' +
        ' ORDER BY seq DESC LIMIT 1) UNION ALL SELECT * FROM (SELECT h.valid AS valid, e.hash AS hash FROM heads h' +
        ' JOIN events e ON e.topic_id = h.topic_id AND e.seq = abs(h.valid) WHERE h.topic_id = @topic AND h.key = @key)' +
        ' LIMIT 1',
    ),
    /**
     * Applies the topic's tail to its heads rows (`[topicId, headsSeq]`, the batch's heads_seq):
     * per key of the tail, in key order, its newest tail event becomes its valid and raw head.
     * The caller then sets heads_seq = max_seq.
     */
    applyTail: prepare<[{ topic: number; headsSeq: number }]>(
      `INSERT INTO heads ${HEAD_INSERT_COLS} SELECT topic_id, key, CASE WHEN tomb THEN -seq ELSE seq END, NULL FROM (` +
        'SELECT topic_id, key, max(seq) AS seq, data IS NULL AS tomb FROM events' +
        ' WHERE topic_id = @topic AND seq > @headsSeq AND marker = 0 GROUP BY key) WHERE true' +
        ` ORDER BY key ${HEAD_UPSERT}`,
    ),
    /**
     * A key's newest tail event as its valid and raw head (`[topicId, key, signed seq]`): the
     * write path's apply of a tail it knows from memory (write.ts `applyTail`), one key per row.
     */
    upsertHeadRow: prepare<[number, string, number]>(
      `INSERT INTO heads ${HEAD_INSERT_COLS} VALUES ${HEAD_ROW} ${HEAD_UPSERT}`,
    ),
    /** ROWS_PER_INSERT of those in one statement (distinct keys, in key order). */
    upsertHeadRows: prepare<RowArgs>(
      `INSERT OR FAIL INTO heads ${HEAD_INSERT_COLS} VALUES ${rows(HEAD_ROW)} ${HEAD_UPSERT}`,
    ),
    /** Topics whose tail is not empty (`close()` applies them). */
    topicsWithTail: prepare<[], { id: number; name: string; heads_seq: number; max_seq: number }>(
      'SELECT id, name, heads_seq, max_seq FROM topics WHERE heads_seq < max_seq',
    ),
    setHeadsSeq: prepare<[number, number]>('UPDATE topics SET heads_seq = ? WHERE id = ?'),
    /** The key's valid head as stored (signed seq, null when none); undefined without a heads row. */
    validHead: db
      .prepare<[number, string], number | null>('SELECT valid FROM heads WHERE topic_id = ? AND key = ?')
      .pluck() as Stmt<[number, string], number | null>,
    /**
     * An invalidation's new valid head (signed seq or null). The raw head, newer than any valid head
     * the invalidation leaves, is kept: `raw` takes the old valid head where it was NULL (the SET
     * expressions read the row as it was).
     */
    setValidHead: prepare<[number | null, number, string]>(
      'UPDATE heads SET valid = ?, raw = coalesce(raw, valid) WHERE topic_id = ? AND key = ?',
    ),
    headEvent: prepare<[number, number], { txn: number; hash: string }>(
      'SELECT txn, hash FROM events WHERE topic_id = ? AND seq = ?',
    ),
    insertEvent: prepare<[number, number, number, string, string | null, string | null, string, number]>(
      `INSERT INTO events ${EVENT_INSERT_COLS} VALUES ${EVENT_ROW}`,
    ),
    /** ROWS_PER_INSERT events in one statement (the write path's; see WriteBatch). */
    insertEvents: prepare<RowArgs>(`INSERT OR FAIL INTO events ${EVENT_INSERT_COLS} VALUES ${rows(EVENT_ROW)}`),
    insertMarker: prepare<[number, number, number, string, string, number, number, string]>(
      'INSERT INTO events (topic_id, seq, txn, key, marker, data, content_type, hash, time, target, reason) VALUES (?, ?, ?, ?, 1, NULL, NULL, ?, ?, ?, ?)',
    ),
    insertTxn: prepare<[number, number, number, number, number, number, string | null, string | null, string]>(
      `INSERT INTO txns ${TXN_INSERT_COLS} VALUES ${TXN_ROW}`,
    ),
    /** ROWS_PER_INSERT txns rows in one statement (the write path's; see WriteBatch). */
    insertTxns: prepare<RowArgs>(`INSERT OR FAIL INTO txns ${TXN_INSERT_COLS} VALUES ${rows(TXN_ROW)}`),
    txn: prepare<[number, number], TxnRow>(`SELECT ${TXN_COLS} FROM txns WHERE topic_id = ? AND txn = ?`),
    setTxnInvalid: prepare<[number, string, number, number]>(
      'UPDATE txns SET invalidated_by = ?, reason = ? WHERE topic_id = ? AND txn = ?',
    ),
    markEventsInvalid: prepare<[number, number, number]>(
      'UPDATE events SET invalid = 1 WHERE topic_id = ? AND seq BETWEEN ? AND ?',
    ),
    keysInRange: prepare<[number, number, number], { key: string }>(
      'SELECT DISTINCT key FROM events WHERE topic_id = ? AND seq BETWEEN ? AND ? AND marker = 0 ORDER BY key',
    ),
    newestValid: prepare<[number, string], ValidHeadRow>(
      'SELECT seq, hash, data IS NOT NULL AS live FROM events INDEXED BY events_by_key WHERE topic_id = ? AND key = ? AND invalid = 0 AND marker = 0 ORDER BY seq DESC LIMIT 1',
    ),
    eventBySeq: prepare<[number, number], EventRow>(
      `SELECT ${EVENT_COLS} FROM events e WHERE e.topic_id = ? AND e.seq = ?`,
    ),
    eventsInRange: db
      .prepare<[number, number, number], EventTuple>(
        `SELECT ${EVENT_COLS} FROM events e WHERE e.topic_id = ? AND e.seq BETWEEN ? AND ? ORDER BY e.seq`,
      )
      .raw(true) as Stmt<[number, number, number], EventTuple>,
    firstTxnTime: db
      .prepare<[number], number>('SELECT time FROM txns WHERE topic_id = ? ORDER BY txn LIMIT 1')
      .pluck() as Stmt<[number], number>,
    timeline: prepare<[{ topic: number; from: number; to: number; bms: number }], TimelineRow>(TIMELINE_SQL),
    txnsAsc: prepare<[number, number, number, number], TxnRow>(
      `SELECT ${TXN_COLS} FROM txns WHERE topic_id = ? AND txn > ? AND txn < ? ORDER BY txn LIMIT ?`,
    ),
    txnsDesc: prepare<[number, number, number, number], TxnRow>(
      `SELECT ${TXN_COLS} FROM txns WHERE topic_id = ? AND txn > ? AND txn < ? ORDER BY txn DESC LIMIT ?`,
    ),
    /** The same, only the transactions of one `by` (index txns_by_name). */
    txnsByAsc: prepare<[number, string, number, number, number], TxnRow>(
      `SELECT ${TXN_COLS} FROM txns WHERE topic_id = ? AND by_name = ? AND txn > ? AND txn < ? ORDER BY txn LIMIT ?`,
    ),
    txnsByDesc: prepare<[number, string, number, number, number], TxnRow>(
      `SELECT ${TXN_COLS} FROM txns WHERE topic_id = ? AND by_name = ? AND txn > ? AND txn < ? ORDER BY txn DESC LIMIT ?`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** Statements whose SQL varies with the options present, prepared on first use. */
export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}
  get<P extends unknown[], R>(sql: string): Database.Statement<P, R> {
    let st = this.cache.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.cache.set(sql, st);
    }
    return st as unknown as Database.Statement<P, R>;
  }

  /** The same, in raw mode: rows come back as arrays of column values (`R` is that tuple). */
  getRaw<P extends unknown[], R extends unknown[]>(sql: string): Database.Statement<P, R> {
    const key = `raw:${sql}`;
    let st = this.cache.get(key);
    if (!st) {
      st = this.db.prepare(sql).raw(true);
      this.cache.set(key, st);
    }
    return st as unknown as Database.Statement<P, R>;
  }
}
