/**
 * The SQLite schema of a Tidemark store and its migrations. A store file is recognised by
 * `PRAGMA application_id` = APPLICATION_ID ("TDMK"); `PRAGMA user_version` is the schema version.
 * Tables: `topics` (maintained counters per topic), `events` (the log, keyed by (topic, seq)),
 * `txns` (one row per transaction: seq range, time, invalidation), and `heads` (v4; per key: the
 * newest valid event — the surface and the de-duplication reference — and the newest event of any
 * validity — the raw surface). Every table but `topics` is WITHOUT ROWID so rows live in their
 * primary-key b-tree. `txns.meta` and `txns.by_name` (v2) hold a transaction's `meta` (canonical
 * JSON) and `by`; `txns.chain` and `topics.head` (v3) the hash chain (store/chain.ts,
 * docs/integrity.md), computed on migration for the transactions already there. Migrations run in
 * order inside one IMMEDIATE transaction, so an interrupted one leaves the file at its old version,
 * never half chained or half rewritten.
 *
 * A heads row is as small as it can be, because a commit of scattered keys dirties nearly every
 * page of `heads` and each dirty page is written whole (docs/bench.md, "SQLite writes"): `valid` is
 * the valid head's seq, negated when that event is a tombstone, NULL when the key has no valid
 * event; `raw` the raw head the same way, NULL when the raw head is the valid head (always, until
 * an invalidation). No hash: the write path de-duplicates against the head event's own hash. Until
 * v4 the same lived in `latest` (`vseq`, `vh` = 52 bits of the hash, `vlive`, `rseq`, `rlive`),
 * 40% more pages. `topics.name` is the topic; statements.ts is the one place that maps the SQL
 * names to the storage vocabulary (docs/engine.md).
 *
 * The tail (v5): even rows that small cost a commit of scattered keys a write of nearly every
 * heads page, so appends do not write heads rows at every commit. `topics.heads_seq` says how far
 * they go: a topic's heads rows account for every event with seq <= heads_seq; its events above
 * (markers aside) are its *tail*, at most HEADS_TAIL_BOUND events (heads.ts), and every tail event
 * is valid (whatever invalidates first applies the tail). A key's heads are therefore its heads
 * row, unless the tail holds an event of the key: then its newest tail event is both its valid
 * and its raw head. statements.ts builds that fold (heads (+) tail) for every reader; the commit
 * that would pass the bound applies the whole tail to the heads rows and sets heads_seq =
 * max_seq, as do invalidation and `close()`.
 */
import type Database from 'better-sqlite3';
import { type ChainEvent, GENESIS, chainEventOfRow, chainOf } from '../chain';
import type { MigrationProgressListener } from '../types';
import { isoTime } from './rows';

/** "TDMK" as a big-endian 32-bit integer. */
export const APPLICATION_ID = 0x54444d4b;

/**
 * A migration: SQL, or a step that needs code (the chain of v3 is computed, not declared), given
 * where to report its progress (null when the file was new: nothing to report).
 */
interface Migration {
  up: string | ((db: Database.Database, progress: MigrationProgressCounter) => void);
  /**
   * The rows the step rewrites in an existing file, counted before any step runs (on the file as
   * it was), so the steps of one migration report against one total.
   */
  work?: (db: Database.Database) => number;
}

/** Progress of a migration's row-rewriting steps, reported as one monotonic count of one total. */
class MigrationProgressCounter {
  private done = 0;
  constructor(
    private readonly listener: MigrationProgressListener | null,
    private readonly total: number,
  ) {}

  start(): void {
    this.listener?.({ done: 0, total: this.total });
  }

  advance(rows: number): void {
    if (this.listener === null) return;
    this.done = Math.min(this.total, this.done + rows);
    this.listener({ done: this.done, total: this.total });
  }

  finish(): void {
    if (this.done < this.total) this.listener?.({ done: this.total, total: this.total });
  }
}

const count = (db: Database.Database, table: string): number =>
  db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get()!;

const MIGRATIONS: readonly Migration[] = [
  // v1
  {
    up: `
  CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    max_seq INTEGER NOT NULL,
    max_txn INTEGER NOT NULL,
    keys INTEGER NOT NULL,
    invalid_txns INTEGER NOT NULL,
    last_time INTEGER
  );
  CREATE TABLE events (
    topic_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    txn INTEGER NOT NULL,
    key TEXT NOT NULL,
    marker INTEGER NOT NULL DEFAULT 0,
    data TEXT,
    content_type TEXT,
    hash TEXT NOT NULL,
    time INTEGER NOT NULL,
    invalid INTEGER NOT NULL DEFAULT 0,
    target INTEGER,
    reason TEXT,
    PRIMARY KEY (topic_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX events_by_key ON events (topic_id, key, seq);
  CREATE TABLE txns (
    topic_id INTEGER NOT NULL,
    txn INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    time INTEGER NOT NULL,
    marker INTEGER NOT NULL DEFAULT 0,
    invalidated_by INTEGER,
    reason TEXT,
    PRIMARY KEY (topic_id, txn)
  ) WITHOUT ROWID;
  CREATE TABLE latest (
    topic_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    vseq INTEGER,
    vh INTEGER,
    vlive INTEGER NOT NULL,
    rseq INTEGER NOT NULL,
    rlive INTEGER NOT NULL,
    PRIMARY KEY (topic_id, key)
  ) WITHOUT ROWID;
  `,
  },
  // v2: who and why (docs/engine.md): the writer's meta (canonical JSON text) and who wrote or
  // invalidated, per transaction. Existing transactions read back null for both.
  {
    up: `
  ALTER TABLE txns ADD COLUMN meta TEXT;
  ALTER TABLE txns ADD COLUMN by_name TEXT;
  CREATE INDEX txns_by_name ON txns (topic_id, by_name, txn);
  `,
  },
  // v3: the hash chain (docs/integrity.md): every transaction's `chain`, each topic's `head`;
  // computed for the transactions already there, inside the migration's transaction.
  {
    up: (db, progress) => {
      db.exec('ALTER TABLE txns ADD COLUMN chain TEXT; ALTER TABLE topics ADD COLUMN head TEXT;');
      chainExisting(db, progress);
    },
    work: (db) => count(db, 'txns'),
  },
  // v4: the heads rows in `heads`, without a hash and with the raw head only where it differs from
  // the valid one (see above); `latest` rewritten into it, then dropped.
  {
    up: (db, progress) => {
      db.exec(`CREATE TABLE heads (
        topic_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        valid INTEGER,
        raw INTEGER,
        PRIMARY KEY (topic_id, key)
      ) WITHOUT ROWID;`);
      headsFromLatest(db, progress);
      db.exec('DROP TABLE latest;');
    },
    work: (db) => count(db, 'latest'),
  },
  // v5: `topics.heads_seq`, how far the heads rows account for the log (the tail, above). A v4
  // file's heads rows follow every event: heads_seq = max_seq, no tail.
  {
    up: `
  ALTER TABLE topics ADD COLUMN heads_seq INTEGER NOT NULL DEFAULT 0;
  UPDATE topics SET heads_seq = max_seq;
  `,
  },
];

/** Heads rows rewritten per statement by the v4 migration (so progress is reported as it goes). */
const HEADS_PAGE = 10_000;

/** Copies every `latest` row into `heads` in the v4 encoding, a page of keys per statement. */
function headsFromLatest(db: Database.Database, progress: MigrationProgressCounter): void {
  const topics = db.prepare<[], number>('SELECT DISTINCT topic_id FROM latest ORDER BY topic_id').pluck().all();
  const copy = db.prepare<[number, string, number]>(
    `INSERT INTO heads (topic_id, key, valid, raw)
     SELECT topic_id, key,
       CASE WHEN vseq IS NULL THEN NULL WHEN vlive = 1 THEN vseq ELSE -vseq END,
       CASE WHEN rseq IS vseq THEN NULL WHEN rlive = 1 THEN rseq ELSE -rseq END
     FROM latest WHERE topic_id = ? AND key > ? ORDER BY key LIMIT ?`,
  );
  const lastKey = db.prepare<[number], string>('SELECT max(key) FROM heads WHERE topic_id = ?').pluck();
  for (const id of topics) {
    let after = '';
    for (;;) {
      const n = copy.run(id, after, HEADS_PAGE).changes;
      progress.advance(n);
      if (n < HEADS_PAGE) break;
      after = lastKey.get(id)!;
    }
  }
}

/** Transactions read per step while chaining an existing log (bounds the memory of a migration). */
const CHAIN_PAGE = 512;

interface ChainTxnRow {
  txn: number;
  first_seq: number;
  last_seq: number;
  time: number;
  meta: string | null;
  by_name: string | null;
}

interface ChainEventRow {
  seq: number;
  key: string;
  marker: number;
  data: string | null;
  content_type: string | null;
  hash: string;
  target: number | null;
  reason: string | null;
}

/**
 * Computes `txns.chain` for every stored transaction, in txn order per topic, and `topics.head`.
 * Reads a page of transactions and their events at a time (no statement stays open across the
 * updates), reporting transactions chained of the total after each page. Runs inside migrate()'s
 * transaction: an interrupted migration leaves the file at v2.
 */
function chainExisting(db: Database.Database, progress: MigrationProgressCounter): void {
  const topics = db.prepare<[], { id: number }>('SELECT id FROM topics ORDER BY id').all();
  const txnPage = db.prepare<[number, number, number], ChainTxnRow>(
    'SELECT txn, first_seq, last_seq, time, meta, by_name FROM txns WHERE topic_id = ? AND txn > ? ORDER BY txn LIMIT ?',
  );
  const eventRange = db.prepare<[number, number, number], ChainEventRow>(
    'SELECT seq, key, marker, data, content_type, hash, target, reason FROM events WHERE topic_id = ? AND seq BETWEEN ? AND ? ORDER BY seq',
  );
  const setChain = db.prepare<[string, number, number]>('UPDATE txns SET chain = ? WHERE topic_id = ? AND txn = ?');
  const setHead = db.prepare<[string | null, number]>('UPDATE topics SET head = ? WHERE id = ?');
  for (const { id } of topics) {
    let prev: string | null = null;
    let after = 0;
    for (;;) {
      const txns = txnPage.all(id, after, CHAIN_PAGE);
      if (txns.length === 0) break;
      const events = eventRange.all(id, txns[0]!.first_seq, txns[txns.length - 1]!.last_seq);
      let i = 0;
      for (const t of txns) {
        const mine: ChainEvent[] = [];
        while (i < events.length && events[i]!.seq <= t.last_seq) {
          const e = events[i++]!;
          if (e.seq < t.first_seq) continue;
          mine.push(chainEventOfRow(e.seq, e.key, e.marker === 1, e.data, e.content_type, e.hash, e.target, e.reason));
        }
        prev = chainOf(prev ?? GENESIS, { txn: t.txn, time: isoTime(t.time), by: t.by_name, meta: t.meta }, mine);
        setChain.run(prev, id, t.txn);
      }
      after = txns[txns.length - 1]!.txn;
      progress.advance(txns.length);
    }
    setHead.run(prev, id);
  }
}

/** The schema version this build writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a Tidemark (or blank) database up to SCHEMA_VERSION. Re-reads the version inside the
 * write transaction, so two processes opening a new file at once migrate it exactly once.
 * `progress` hears from the steps that rewrite an existing file's rows (chaining its log, rewriting
 * its heads rows), as rows done of their total, never from setting up a new file.
 */
export function migrate(db: Database.Database, progress?: MigrationProgressListener): void {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) return;
    if (current === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    const pending = MIGRATIONS.slice(current);
    const listener = current > 0 ? (progress ?? null) : null;
    let total = 0;
    if (listener !== null) for (const m of pending) total += m.work?.(db) ?? 0;
    const counter = new MigrationProgressCounter(listener, total);
    if (pending.some((m) => m.work !== undefined)) counter.start();
    for (const m of pending) {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db, counter);
    }
    if (pending.some((m) => m.work !== undefined)) counter.finish();
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  run.immediate();
}
