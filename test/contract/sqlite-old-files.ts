/**
 * Old SQLite store files for the migration tests (sqlite-migrate-*.int.test.ts): the schemas of
 * versions 1, 2 and 3 with their raw SQL, as those builds wrote them, a version-1 store written
 * row by row, copies of a current store's rows into a file of version 2 or 3, and a temporary
 * directory per test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach } from 'vitest';
import { hashCanonical } from '../../src-core/store/hash';
import { APPLICATION_ID, type SqliteOpenOptions, openSqliteStore } from '../../src-core/store/sqlite';
import { hashPrefix } from '../../src-core/store/sqlite/heads';

/** A new temporary directory for each test of the calling file, removed after it: its path. */
export function tempDirEachTest(): () => string {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tidemark-migrate-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** The schema of version 1, as the build of that version created it. */
const V1_SQL = `
  CREATE TABLE topics (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, max_seq INTEGER NOT NULL,
    max_txn INTEGER NOT NULL, keys INTEGER NOT NULL, invalid_txns INTEGER NOT NULL, last_time INTEGER);
  CREATE TABLE events (topic_id INTEGER NOT NULL, seq INTEGER NOT NULL, txn INTEGER NOT NULL, key TEXT NOT NULL,
    marker INTEGER NOT NULL DEFAULT 0, data TEXT, content_type TEXT, hash TEXT NOT NULL, time INTEGER NOT NULL,
    invalid INTEGER NOT NULL DEFAULT 0, target INTEGER, reason TEXT, PRIMARY KEY (topic_id, seq)) WITHOUT ROWID;
  CREATE INDEX events_by_key ON events (topic_id, key, seq);
  CREATE TABLE txns (topic_id INTEGER NOT NULL, txn INTEGER NOT NULL, first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL, time INTEGER NOT NULL, marker INTEGER NOT NULL DEFAULT 0, invalidated_by INTEGER,
    reason TEXT, PRIMARY KEY (topic_id, txn)) WITHOUT ROWID;
  CREATE TABLE latest (topic_id INTEGER NOT NULL, key TEXT NOT NULL, vseq INTEGER, vh INTEGER, vlive INTEGER NOT NULL,
    rseq INTEGER NOT NULL, rlive INTEGER NOT NULL, PRIMARY KEY (topic_id, key)) WITHOUT ROWID;
`;

export const T0 = Date.parse('2026-01-02T03:04:05.678Z');

/**
 * A version-1 store with topic `t`: txn 1 writes a=1 and b=2, txn 2 writes a=3, txn 3 invalidates
 * txn 2 (reason "bad"), so the surface is a=1, b=2.
 */
export function makeV1Store(file: string): void {
  const db = new Database(file);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.exec(V1_SQL);
  db.pragma('user_version = 1');
  const h1 = hashCanonical('1');
  const h2 = hashCanonical('2');
  const h3 = hashCanonical('3');
  const marker = hashCanonical('null');
  db.prepare('INSERT INTO topics VALUES (1, ?, 4, 3, 2, 1, ?)').run('t', T0 + 2);
  const ev = db.prepare(
    'INSERT INTO events (topic_id, seq, txn, key, marker, data, content_type, hash, time, invalid, target, reason) VALUES (1, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)',
  );
  ev.run(1, 1, 'a', 0, '1', h1, T0, 0, null, null);
  ev.run(2, 1, 'b', 0, '2', h2, T0, 0, null, null);
  ev.run(3, 2, 'a', 0, '3', h3, T0 + 1, 1, null, null);
  ev.run(4, 3, '$invalidate', 1, null, marker, T0 + 2, 0, 2, 'bad');
  const tx = db.prepare('INSERT INTO txns VALUES (1, ?, ?, ?, ?, ?, ?, ?)');
  tx.run(1, 1, 2, T0, 0, null, null);
  tx.run(2, 3, 3, T0 + 1, 0, 4, 'bad');
  tx.run(3, 4, 4, T0 + 2, 1, null, null);
  const head = db.prepare('INSERT INTO latest VALUES (1, ?, ?, ?, 1, ?, 1)');
  head.run('a', 1, hashPrefix(h1), 3);
  head.run('b', 2, hashPrefix(h2), 2);
  db.close();
}

/** The tables of a version-2 file: version 1 plus `txns.meta` and `txns.by_name`. */
const V2_SQL = `${V1_SQL}
  ALTER TABLE txns ADD COLUMN meta TEXT;
  ALTER TABLE txns ADD COLUMN by_name TEXT;
  CREATE INDEX txns_by_name ON txns (topic_id, by_name, txn);
`;

/** The tables of a version-3 file: version 2 plus the chain (`txns.chain`, `topics.head`). */
const V3_SQL = `${V2_SQL}
  ALTER TABLE txns ADD COLUMN chain TEXT;
  ALTER TABLE topics ADD COLUMN head TEXT;
`;

/**
 * The `latest` rows (versions 1-3) of the heads rows of the attached current store `src`, as
 * those builds wrote them: `vseq`/`vlive` and `rseq`/`rlive` for the valid and raw heads, `vh`
 * the 52-bit prefix of the valid head's hash.
 */
function copyLatestFrom(db: Database.Database): void {
  db.exec(`INSERT INTO latest (topic_id, key, vseq, vh, vlive, rseq, rlive)
    SELECT topic_id, key, abs(valid), NULL, coalesce(valid > 0, 0), abs(coalesce(raw, valid)), coalesce(raw, valid) > 0
    FROM src.heads`);
  const valid = db
    .prepare<[], { topic_id: number; key: string; hash: string }>(
      'SELECT l.topic_id, l.key, e.hash FROM latest l JOIN events e ON e.topic_id = l.topic_id AND e.seq = l.vseq',
    )
    .all();
  const setVh = db.prepare('UPDATE latest SET vh = ? WHERE topic_id = ? AND key = ?');
  db.transaction(() => {
    for (const r of valid) setVh.run(hashPrefix(r.hash), r.topic_id, r.key);
  })();
}

/**
 * A file of schema `version` (2 or 3) holding exactly the rows of the current store `from` (the
 * columns that version did not have left out): the same log as that version's build stored it.
 */
export function makeOldCopy(from: string, file: string, version: 2 | 3): void {
  const db = new Database(file);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.exec(version === 2 ? V2_SQL : V3_SQL);
  db.pragma(`user_version = ${version}`);
  db.prepare('ATTACH DATABASE ? AS src').run(from);
  const chained = version === 3 ? ', head' : '';
  db.exec(`
    INSERT INTO topics SELECT id, name, max_seq, max_txn, keys, invalid_txns, last_time${chained} FROM src.topics;
    INSERT INTO events SELECT * FROM src.events;
    INSERT INTO txns SELECT topic_id, txn, first_seq, last_seq, time, marker, invalidated_by, reason, meta, by_name${version === 3 ? ', chain' : ''} FROM src.txns;
  `);
  copyLatestFrom(db);
  db.exec('DETACH DATABASE src');
  db.close();
}

export const makeV2Copy = (from: string, file: string): void => makeOldCopy(from, file, 2);

/** A current store file (`fresh.db` in `dir`) with what `write` wrote to it, closed; and what `write` returned. */
export async function freshFile<T>(
  dir: string,
  write: (store: ReturnType<typeof openSqliteStore>) => Promise<T>,
): Promise<[string, T]> {
  const fresh = join(dir, 'fresh.db');
  const store = openSqliteStore(fresh);
  try {
    return [fresh, await write(store)];
  } finally {
    await store.close();
  }
}

/** Every heads row of a store file, in key order. */
export function headsRows(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM heads ORDER BY topic_id, key').all();
  } finally {
    db.close();
  }
}

/** Options whose migration listener throws once anything has been migrated ('cancelled by the listener'). */
export const CANCEL_MIGRATION: SqliteOpenOptions = {
  onMigrationProgress: ({ done }) => {
    if (done > 0) throw new Error('cancelled by the listener');
  },
};
