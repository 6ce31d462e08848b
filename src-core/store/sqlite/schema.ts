/**
 * The SQLite schema of a Tidemark store and its migrations. A store file is recognised by
 * `PRAGMA application_id` = APPLICATION_ID ("TDMK"); `PRAGMA user_version` is the schema version.
 * Tables: `topics` (maintained counters per topic), `events` (the log, keyed by (topic, seq)),
 * `txns` (one row per transaction: seq range, time, invalidation), and `latest` (per key: the
 * newest valid event — the surface and the de-duplication reference — and the newest event of any
 * validity — the raw surface). `latest` keeps only 52 bits of the head's hash (`vh`) so its rows
 * stay small (random-key upserts dirty fewer pages); a match is confirmed against the event's full
 * hash. Every table but `topics` is WITHOUT ROWID so rows live in their primary-key b-tree.
 * `txns.meta` and `txns.by_name` (v2) hold a transaction's `meta` (canonical JSON) and `by`.
 * Migrations run in order inside one IMMEDIATE transaction.
 *
 * The SQL names are older than the storage vocabulary (docs/engine.md) and stay, since renaming
 * them needs a migration that older builds could not open: table `latest` holds the heads rows,
 * `vseq`/`vh`/`vlive` are the valid head's seq, 52-bit hash and live flag, `rseq`/`rlive` the raw
 * head's, and `topics.name` is the topic. statements.ts is the one place that maps them.
 */
import type Database from 'better-sqlite3';

/** "TDMK" as a big-endian 32-bit integer. */
export const APPLICATION_ID = 0x54444d4b;

const MIGRATIONS: readonly string[] = [
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
];

/** 52 bits of a hex hash as a safe integer: the heads row's de-duplication filter (`vh`). */
export function hashPrefix(hash: string): number {
  return Number.parseInt(hash.slice(0, 13), 16);
}

/** The schema version this build writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a Tidemark (or blank) database up to SCHEMA_VERSION. Re-reads the version inside the
 * write transaction, so two processes opening a new file at once migrate it exactly once.
 */
export function migrate(db: Database.Database): void {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) return;
    if (current === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] ?? '');
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  run.immediate();
}
