/**
 * Schema migration of a SQLite store file: a store made by an earlier schema (versions 1, 2 and 3,
 * built here with their raw SQL, as those builds wrote them) opens read-write and is upgraded in
 * place to the current version, keeping every event, transaction, invalidation and counter; its
 * transactions read back `meta` and `by` as null, and new writes store both; version 4's heads
 * rows hold exactly what a current store holds for the same log. Opening such a file read-only is
 * refused (it cannot be upgraded), leaving it byte-identical.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashCanonical } from '../../src-core/store/hash';
import { APPLICATION_ID, SCHEMA_VERSION, openSqliteStore } from '../../src-core/store/sqlite';
import { hashPrefix } from '../../src-core/store/sqlite/heads';
import type { EventStore, MigrationProgress } from '../../src-core/store/types';
import { expectCode, readAll, surfaceAll } from './harness';
import {
  expectFixtureChains,
  expectMigrationProgress,
  expectWritesAfterMigration,
  fixtureChains,
  txnsOf,
  writeChainFixture,
  writeManyTxns,
} from './migrated';
import { expectChainHolds } from './oracle';

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

const T0 = Date.parse('2026-01-02T03:04:05.678Z');

/**
 * A version-1 store with topic `t`: txn 1 writes a=1 and b=2, txn 2 writes a=3, txn 3 invalidates
 * txn 2 (reason "bad"), so the surface is a=1, b=2.
 */
function makeV1Store(file: string): void {
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

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-migrate-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite schema migration from version 1', () => {
  it('is at version 4: meta and by per transaction, the hash chain, the small heads rows', () => {
    expect(SCHEMA_VERSION).toBe(4);
  });

  it('upgrades a version-1 file on open, keeping everything; old transactions read meta and by as null', async () => {
    const file = join(dir, 'v1.db');
    makeV1Store(file);
    const store = openSqliteStore(file);
    try {
      expect(store.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(await store.topicInfo('t')).toMatchObject({ events: 4, keys: 2, maxSeq: 4, maxTxn: 3, invalidTxns: 1 });
      const txns = (await store.listTxns('t')).txns;
      for (const x of txns) expect(x.chain).toMatch(/^[0-9a-f]{64}$/);
      await expectChainHolds(store, 't');
      expect(txns.map(({ chain: _c, ...rest }) => rest)).toEqual([
        {
          txn: 1,
          firstSeq: 1,
          lastSeq: 2,
          count: 2,
          time: new Date(T0).toISOString(),
          invalidatedBy: null,
          reason: null,
          meta: null,
          by: null,
        },
        {
          txn: 2,
          firstSeq: 3,
          lastSeq: 3,
          count: 1,
          time: new Date(T0 + 1).toISOString(),
          invalidatedBy: 4,
          reason: 'bad',
          meta: null,
          by: null,
        },
        {
          txn: 3,
          firstSeq: 4,
          lastSeq: 4,
          count: 1,
          time: new Date(T0 + 2).toISOString(),
          invalidatedBy: null,
          reason: null,
          meta: null,
          by: null,
          marker: true,
        },
      ]);
      expect((await surfaceAll(store, 't')).map((r) => [r.key, r.data])).toEqual([
        ['a', 1],
        ['b', 2],
      ]);
      await expectWritesAfterMigration(store);
      expect((await readAll(store, 't')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await store.close();
    }
    // Reopening the upgraded file migrates nothing more and keeps the new columns.
    const again = openSqliteStore(file);
    try {
      expect((await again.getTxn('t', 4)).meta).toEqual({ why: 'after' });
    } finally {
      await again.close();
    }
  });

  it('refuses to open a version-1 file read-only (it cannot be upgraded), leaving it untouched', async () => {
    const file = join(dir, 'v1.db');
    makeV1Store(file);
    const before = readFileSync(file);
    await expectCode(
      Promise.resolve().then(() => openSqliteStore(file, { readonly: true })),
      'BAD_REQUEST',
      /older schema \(version 1\); open it once read-write to upgrade it to version 4/,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

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
function makeOldCopy(from: string, file: string, version: 2 | 3): void {
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

const makeV2Copy = (from: string, file: string): void => makeOldCopy(from, file, 2);

/** A current store file (`fresh.db`) with what `write` wrote to it, closed; and what `write` returned. */
async function freshFile<T>(write: (store: ReturnType<typeof openSqliteStore>) => Promise<T>): Promise<[string, T]> {
  const fresh = join(dir, 'fresh.db');
  const store = openSqliteStore(fresh);
  try {
    return [fresh, await write(store)];
  } finally {
    await store.close();
  }
}

/** Every heads row of a store file, in key order. */
function headsRows(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM heads ORDER BY topic_id, key').all();
  } finally {
    db.close();
  }
}

describe('SQLite schema migration from version 2 to 3 (the hash chain)', () => {
  it('computes, for the transactions already there, the chains a current store computed for the same log', async () => {
    const [fresh, expected] = await freshFile(async (store) => {
      await writeChainFixture(store);
      return fixtureChains(store);
    });
    const old = join(dir, 'v2.db');
    makeV2Copy(fresh, old);
    const migrated = openSqliteStore(old);
    try {
      expect(migrated.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      await expectFixtureChains(migrated, expected);
      expect((await txnsOf(migrated, 't')).map((x) => x.marker === true)).toEqual([false, false, true, false]);
      // Writes after the migration chain on from the migrated head.
      await migrated.append('t', { events: [{ key: 'e', data: 5 }], meta: { after: true } });
      await expectChainHolds(migrated, 't');
    } finally {
      await migrated.close();
    }
  });

  it('leaves a file whose migration fails at version 2, unchained (one transaction)', async () => {
    const [fresh] = await freshFile(writeChainFixture);
    const old = join(dir, 'v2.db');
    makeV2Copy(fresh, old);
    // An event whose transaction row is missing would be chained into nothing: make the chain
    // step fail half way by a trigger that refuses the third chain written.
    const raw = new Database(old);
    raw.exec(`CREATE TABLE boom (n INTEGER); INSERT INTO boom VALUES (0);`);
    raw.exec(`CREATE TRIGGER fail_third AFTER UPDATE OF chain ON txns BEGIN
                UPDATE boom SET n = n + 1;
                SELECT RAISE(ABORT, 'interrupted') WHERE (SELECT n FROM boom) >= 3;
              END;`);
    raw.close();
    expect(() => openSqliteStore(old)).toThrow(/interrupted/);
    const after = new Database(old, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(2);
      const cols = (after.prepare('PRAGMA table_info(txns)').all() as { name: string }[]).map((c) => c.name);
      expect(cols).not.toContain('chain');
      expect(after.prepare('SELECT n FROM boom').pluck().get()).toBe(0);
    } finally {
      after.close();
    }
  });
});

/**
 * The chain fixture plus, in topic `u`, a key whose valid head is a tombstone and a key whose raw
 * head (a tombstone) is newer than its valid head, and in topic `t` a live key whose raw head is
 * invalid: every shape a heads row can have.
 */
async function writeHeadsFixture(store: EventStore): Promise<void> {
  await writeChainFixture(store);
  await store.append('u', { events: [{ key: 'k', data: null }] });
  await store.append('u', { events: [{ key: 'm', data: 1 }] });
  const r = await store.append('u', { events: [{ key: 'm', data: null }] });
  await store.invalidate('u', r.txn!, 'keep m');
  const a = await store.append('t', { events: [{ key: 'a', data: 'x' }] });
  await store.append('t', { events: [{ key: 'a', data: 'y' }] });
  await store.invalidate('t', a.txn! + 1, 'keep x');
}

describe('SQLite schema migration from version 3 to 4 (the heads rows)', () => {
  it('rewrites the heads rows into exactly what a current store holds; reads, verify and writes go on', async () => {
    const [fresh] = await freshFile(writeHeadsFixture);
    const expected = headsRows(fresh);
    // Every encoding: a tombstone valid head (negative), raw heads apart from the valid one, none valid.
    expect(expected).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'k', raw: null }),
        expect.objectContaining({ key: 'm', raw: expect.any(Number) as number }),
        expect.objectContaining({ key: 'c', valid: null }),
      ]),
    );
    const old = join(dir, 'v3.db');
    makeOldCopy(fresh, old, 3);
    const current = openSqliteStore(fresh);
    const migrated = openSqliteStore(old);
    try {
      expect(migrated.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const tables = migrated.database.prepare('SELECT name FROM sqlite_master WHERE type = ?').pluck().all('table');
      expect(tables).toContain('heads');
      expect(tables).not.toContain('latest');
      expect(headsRows(old)).toEqual(expected);
      for (const topic of ['t', 'u']) {
        for (const view of ['valid', 'raw'] as const) {
          expect(await surfaceAll(migrated, topic, { view })).toEqual(await surfaceAll(current, topic, { view }));
        }
        expect(await migrated.topicInfo(topic)).toEqual(await current.topicInfo(topic));
        expect((await migrated.verify(topic)).ok).toBe(true);
      }
      // De-duplication against a migrated head (no hash in the row: the event's own), then new writes.
      expect((await migrated.append('t', { events: [{ key: 'a', data: 'x' }] })).txn).toBeNull();
      expect((await migrated.append('u', { events: [{ key: 'm', data: 1 }] })).txn).toBeNull();
      expect((await migrated.append('u', { events: [{ key: 'm', data: 2 }] })).txn).not.toBeNull();
      expect((await migrated.surface('u', { view: 'raw' })).rows.map((r) => [r.key, r.data])).toEqual([['m', 2]]);
      await expectChainHolds(migrated, 'u');
      expect((await migrated.verify('u')).ok).toBe(true);
    } finally {
      await migrated.close();
      await current.close();
    }
  });

  it('an interrupted rewrite leaves the file at version 3 with its `latest` rows', async () => {
    const [fresh] = await freshFile(writeHeadsFixture);
    const old = join(dir, 'v3.db');
    makeOldCopy(fresh, old, 3);
    const before = new Database(old, { readonly: true });
    const latest = before.prepare('SELECT * FROM latest ORDER BY topic_id, key').all();
    before.close();
    expect(() =>
      openSqliteStore(old, {
        onMigrationProgress: ({ done }) => {
          if (done > 0) throw new Error('cancelled by the listener');
        },
      }),
    ).toThrow(/cancelled by the listener/);
    const after = new Database(old, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(3);
      expect(after.prepare('SELECT name FROM sqlite_master WHERE name = ?').get('heads')).toBeUndefined();
      expect(after.prepare('SELECT * FROM latest ORDER BY topic_id, key').all()).toEqual(latest);
    } finally {
      after.close();
    }
  });
});

describe('SQLite migration progress (openSqliteStore onMigrationProgress)', () => {
  /**
   * A file of `version` with the chain fixture, 1,300 more one-event transactions (3 pages of
   * the chain step) and, with `keys`, that many more keys in one transaction (pages of the heads
   * step); `total` is what its migration rewrites: transactions to chain (before version 3) and
   * heads rows.
   */
  async function bigOld(version: 2 | 3, keys = 0): Promise<{ file: string; total: number }> {
    const fresh = join(dir, 'fresh.db');
    const store = openSqliteStore(fresh);
    try {
      await writeChainFixture(store);
      await writeManyTxns(store, 1300);
      if (keys > 0) {
        const per = 10_000; // the most events a transaction holds
        await store.appendBatch(
          Array.from({ length: Math.ceil(keys / per) }, (_, t) => ({
            topic: 'wide',
            events: Array.from({ length: Math.min(per, keys - t * per) }, (_, i) => ({
              key: `w${t * per + i}`,
              data: i,
            })),
          })),
        );
      }
    } finally {
      await store.close();
    }
    const file = join(dir, `v${version}.db`);
    makeOldCopy(fresh, file, version);
    const raw = new Database(file, { readonly: true });
    const txns = raw.prepare('SELECT count(*) FROM txns').pluck().get() as number;
    const heads = raw.prepare('SELECT count(*) FROM latest').pluck().get() as number;
    raw.close();
    return { file, total: (version === 2 ? txns : 0) + heads };
  }
  const bigV2 = (): Promise<{ file: string; total: number }> => bigOld(2);

  it('reports the heads rows rewritten of the total from version 3, monotonic, ending at the total', async () => {
    const { file, total } = await bigOld(3, 25_000);
    expect(total).toBe(25_000 + 1300 + 5); // the wide keys, the many keys, the fixture's 5 keys
    const reports: MigrationProgress[] = [];
    const migrated = openSqliteStore(file, { onMigrationProgress: (p) => reports.push({ ...p }) });
    try {
      expect(migrated.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect((await migrated.topicInfo('wide')).keys).toBe(25_000);
      expect((await migrated.verify('wide')).ok).toBe(true);
    } finally {
      await migrated.close();
    }
    expectMigrationProgress(reports, total);
  });

  it('reports transactions chained and heads rows rewritten of one total, monotonic, ending at the total; none when nothing migrates', async () => {
    const { file, total } = await bigV2();
    expect(total).toBe(1305 + 1305); // the fixture's 5 transactions and 1,300; its 5 keys and 1,300
    const reports: MigrationProgress[] = [];
    const migrated = openSqliteStore(file, { onMigrationProgress: (p) => reports.push({ ...p }) });
    try {
      expect(migrated.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      await expectChainHolds(migrated, 'many');
    } finally {
      await migrated.close();
    }
    expectMigrationProgress(reports, total);
    // Opening it again (current) and creating a new file migrate nothing: no report.
    const quiet: MigrationProgress[] = [];
    for (const f of [file, join(dir, 'new.db')]) {
      await openSqliteStore(f, { onMigrationProgress: (p) => quiet.push(p) }).close();
    }
    expect(quiet).toEqual([]);
  });

  it('a listener that throws abandons the migration: the file stays at version 2, unchained', async () => {
    const { file } = await bigV2();
    expect(() =>
      openSqliteStore(file, {
        onMigrationProgress: ({ done }) => {
          if (done > 0) throw new Error('cancelled by the listener');
        },
      }),
    ).toThrow(/cancelled by the listener/);
    const after = new Database(file, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(2);
      const cols = (after.prepare('PRAGMA table_info(txns)').all() as { name: string }[]).map((c) => c.name);
      expect(cols).not.toContain('chain');
    } finally {
      after.close();
    }
    // And it still migrates afterwards.
    const again = openSqliteStore(file);
    try {
      await expectChainHolds(again, 'many');
    } finally {
      await again.close();
    }
  });
});
