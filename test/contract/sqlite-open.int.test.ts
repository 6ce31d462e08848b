/**
 * SQLite-specific behaviour of opening a store file: files that are not Tidemark stores (not
 * SQLite, another application's database) are refused with a clear BAD_REQUEST, a newer schema with
 * SCHEMA_TOO_NEW (also on a write after another process migrated the file), all left byte-identical; a new or empty file becomes a store with our application_id, schema version
 * and WAL; reopening keeps every event, transaction, invalidation and counter and numbering goes
 * on; read-only opening refuses writes; two connections to one file (as two processes would) keep
 * numbering dense; a closed store answers UNAVAILABLE.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLICATION_ID, SCHEMA_VERSION, openSqliteStore } from '../../src-core/store/sqlite';
import type { ErrorCode } from '../../src-core/model/errors';
import { expectCode, readAll, surfaceAll } from './harness';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-open-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function expectRefused(file: string, message: RegExp, code: ErrorCode = 'BAD_REQUEST'): void {
  const before = readFileSync(file);
  let caught: unknown;
  try {
    openSqliteStore(file);
  } catch (err) {
    caught = err;
  }
  expect(caught).toMatchObject({ code });
  expect((caught as Error).message).toMatch(message);
  if (code === 'BAD_REQUEST') expect((caught as Error).message).toContain(file);
  expect(readFileSync(file).equals(before)).toBe(true);
}

describe('opening a SQLite store file', () => {
  it('creates a new store: application_id, schema version, WAL', async () => {
    const file = join(dir, 'new.db');
    const store = openSqliteStore(file);
    const db = store.database;
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    await store.close();
    const normal = openSqliteStore(file, { synchronous: 'NORMAL' });
    expect(normal.database.pragma('synchronous', { simple: true })).toBe(1);
    await normal.close();
  });

  it('sets up an empty (0-byte) file', async () => {
    const file = join(dir, 'empty.db');
    writeFileSync(file, '');
    const store = openSqliteStore(file);
    await store.append('t', { events: [{ key: 'a', data: 1 }] });
    expect((await store.topicInfo('t')).maxSeq).toBe(1);
    await store.close();
  });

  it('refuses a file that is not SQLite, untouched', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'hello, I am a text file and definitely not a database\n'.repeat(10));
    expectRefused(file, /not a Tidemark store.*not an SQLite database/);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("refuses another application's SQLite database, untouched", () => {
    const file = join(dir, 'other.db');
    const other = new Database(file);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ada');");
    other.close();
    expectRefused(file, /not a Tidemark store.*another application/);
    const again = new Database(file);
    expect(again.pragma('journal_mode', { simple: true })).toBe('delete');
    again.close();
  });

  it('refuses a SQLite database with another application_id even without tables', () => {
    const file = join(dir, 'foreign-id.db');
    const other = new Database(file);
    other.pragma('application_id = 1234');
    other.close();
    expectRefused(file, /application_id 1234/);
  });

  it('refuses a store written by a newer version, untouched', async () => {
    const file = join(dir, 'newer.db');
    const store = openSqliteStore(file);
    await store.append('t', { events: [{ key: 'a', data: 1 }] });
    await store.close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    // SCHEMA_TOO_NEW naming both versions (API.md), as PostgreSQL answers; it was a BAD_REQUEST.
    expectRefused(
      file,
      new RegExp(
        `schema is version ${SCHEMA_VERSION + 1}, newer than this Tidemark knows \\(up to version ${SCHEMA_VERSION}\\)`,
      ),
      'SCHEMA_TOO_NEW',
    );
  });

  it('refuses to write once another process migrated the file past this version, writing nothing', async () => {
    const file = join(dir, 'migrated.db');
    const store = openSqliteStore(file);
    await store.append('t', { events: [{ key: 'a', data: 1 }] });
    const other = new Database(file);
    other.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    other.close();
    const message = new RegExp(`version ${SCHEMA_VERSION + 1}.*up to version ${SCHEMA_VERSION}`);
    await expectCode(store.append('t', { events: [{ key: 'b', data: 1 }] }), 'SCHEMA_TOO_NEW', message);
    await expectCode(store.appendBatch([{ topic: 't', events: [{ key: 'b', data: 1 }] }]), 'SCHEMA_TOO_NEW', message);
    await expectCode(store.invalidate('t', 1, 'x'), 'SCHEMA_TOO_NEW', message);
    expect(await store.topicInfo('t')).toMatchObject({ maxSeq: 1, invalidTxns: 0 });
    await store.close();
  });

  it('reopens with everything kept, and numbering goes on', async () => {
    const file = join(dir, 'keep.db');
    const s1 = openSqliteStore(file);
    await s1.append('t', {
      events: [
        { key: 'a', data: { v: 1 } },
        { key: 'b', data: 'x', contentType: 'text/plain' },
      ],
    });
    await s1.append('t', { events: [{ key: 'a', data: { v: 2 } }] });
    await s1.append('u', { events: [{ key: 'z', data: null }] });
    await s1.invalidate('t', 2, 'wrong v');
    const log = await readAll(s1, 't');
    const surface = await surfaceAll(s1, 't', { view: 'raw' });
    const topics = await s1.listTopics();
    const txns = await s1.listTxns('t');
    await s1.close();

    const s2 = openSqliteStore(file);
    expect(await readAll(s2, 't')).toEqual(log);
    expect(await surfaceAll(s2, 't', { view: 'raw' })).toEqual(surface);
    expect(await s2.listTopics()).toEqual(topics);
    expect(await s2.listTxns('t')).toEqual(txns);
    // The dedup state survived too: v:1 is the valid head again.
    expect((await s2.append('t', { events: [{ key: 'a', data: { v: 1 } }] })).txn).toBeNull();
    expect(await s2.append('t', { events: [{ key: 'c', data: 1 }] })).toEqual({
      txn: 4,
      results: [{ seq: 5, txn: 4, duplicate: false }],
    });
    await s2.close();
  });

  it('opens read-only: reads work, writes are FORBIDDEN, a missing file is NOT_FOUND', async () => {
    const file = join(dir, 'ro.db');
    const w = openSqliteStore(file);
    await w.append('t', { events: [{ key: 'a', data: 1 }] });
    const r = openSqliteStore(file, { readonly: true });
    expect((await r.topicInfo('t')).maxSeq).toBe(1);
    await expectCode(r.append('t', { events: [{ key: 'b', data: 1 }] }), 'FORBIDDEN');
    await expectCode(r.invalidate('t', 1, 'x'), 'FORBIDDEN');
    await w.append('t', { events: [{ key: 'b', data: 1 }] });
    expect((await r.topicInfo('t')).maxSeq).toBe(2);
    await r.close();
    await w.close();
    expect(() => openSqliteStore(join(dir, 'missing.db'), { readonly: true })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }) as Error,
    );
  });

  it('keeps numbering dense when two connections write to one file', async () => {
    const file = join(dir, 'shared.db');
    const a = openSqliteStore(file);
    const b = openSqliteStore(file);
    for (let i = 0; i < 20; i++) {
      const s = i % 3 === 0 ? b : a;
      await s.append('t', { events: [{ key: `k${i % 7}`, data: i }] });
      if (i === 10) await b.invalidate('t', 4, 'from b');
    }
    await a.appendBatch([
      { topic: 't', events: [{ key: 'x', data: 1 }] },
      { topic: 't', events: [{ key: 'y', data: 1 }] },
    ]);
    const log = await readAll(b, 't');
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(new Set(log.map((e) => e.txn)).size).toBe(23);
    const info = await a.topicInfo('t');
    expect(info).toMatchObject({ maxSeq: 23, maxTxn: 23, invalidTxns: 1 });
    expect(info.keys).toBe((await surfaceAll(b, 't')).length);
    await a.close();
    await b.close();
  });

  it('answers UNAVAILABLE once closed', async () => {
    const store = openSqliteStore(join(dir, 'closed.db'));
    await store.close();
    await expectCode(store.topicInfo('t'), 'UNAVAILABLE');
    await expectCode(store.append('t', { events: [{ key: 'a', data: 1 }] }), 'UNAVAILABLE');
    await store.close();
  });
});
