/**
 * The SQLite schema of a Tidemark store and its migrations. A store file is recognised by
 * `PRAGMA application_id` = APPLICATION_ID ("TDMK"); `PRAGMA user_version` is the schema version.
 * Tables: `topics` (maintained counters per topic), `events` (the log, keyed by (topic, seq)),
 * `txns` (one row per transaction: seq range, time, invalidation), and `latest` (per key: the
 * newest valid event — the surface and the de-duplication reference — and the newest event of any
 * validity — the raw surface). `latest` keeps only 52 bits of the head's hash (`vh`) so its rows
 * stay small (random-key upserts dirty fewer pages); a match is confirmed against the event's full
 * hash. Every table but `topics` is WITHOUT ROWID so rows live in their primary-key b-tree.
 * `txns.meta` and `txns.by_name` (v2) hold a transaction's `meta` (canonical JSON) and `by`;
 * `txns.chain` and `topics.head` (v3) the hash chain (store/chain.ts, docs/integrity.md), computed
 * on migration for the transactions already there. Migrations run in order inside one IMMEDIATE
 * transaction, so an interrupted one leaves the file at its old version, never half chained.
 *
 * The SQL names are older than the storage vocabulary (docs/engine.md) and stay, since renaming
 * them needs a migration that older builds could not open: table `latest` holds the heads rows,
 * `vseq`/`vh`/`vlive` are the valid head's seq, 52-bit hash and live flag, `rseq`/`rlive` the raw
 * head's, and `topics.name` is the topic. statements.ts is the one place that maps them.
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
type Migration = string | ((db: Database.Database, progress: MigrationProgressListener | null) => void);

const MIGRATIONS: readonly Migration[] = [
  // v1
  `
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
  // v2: who and why (docs/engine.md): the writer's meta (canonical JSON text) and who wrote or
  // invalidated, per transaction. Existing transactions read back null for both.
  `
  ALTER TABLE txns ADD COLUMN meta TEXT;
  ALTER TABLE txns ADD COLUMN by_name TEXT;
  CREATE INDEX txns_by_name ON txns (topic_id, by_name, txn);
  `,
  // v3: the hash chain (docs/integrity.md): every transaction's `chain`, each topic's `head`;
  // computed for the transactions already there, inside the migration's transaction.
  (db, progress) => {
    db.exec('ALTER TABLE txns ADD COLUMN chain TEXT; ALTER TABLE topics ADD COLUMN head TEXT;');
    chainExisting(db, progress);
  },
];

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
function chainExisting(db: Database.Database, progress: MigrationProgressListener | null): void {
  const topics = db.prepare<[], { id: number }>('SELECT id FROM topics ORDER BY id').all();
  const total = progress ? db.prepare<[], number>('SELECT count(*) FROM txns').pluck().get()! : 0;
  let done = 0;
  progress?.({ done, total });
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
      done += txns.length;
      progress?.({ done, total });
    }
    setHead.run(prev, id);
  }
}

/** 52 bits of a hex hash as a safe integer: the heads row's de-duplication filter (`vh`). */
export function hashPrefix(hash: string): number {
  return Number.parseInt(hash.slice(0, 13), 16);
}

/** The schema version this build writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a Tidemark (or blank) database up to SCHEMA_VERSION. Re-reads the version inside the
 * write transaction, so two processes opening a new file at once migrate it exactly once.
 * `progress` hears from the steps that chain an existing log (not from setting up a new file).
 */
export function migrate(db: Database.Database, progress?: MigrationProgressListener): void {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) return;
    if (current === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    for (let v = current; v < SCHEMA_VERSION; v++) {
      const m = MIGRATIONS[v]!;
      if (typeof m === 'string') db.exec(m);
      else m(db, current > 0 ? (progress ?? null) : null);
    }
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  run.immediate();
}
