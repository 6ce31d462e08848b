/**
 * The heads tail of a SQLite store file (schema.ts, v5): a topic's events above `heads_seq` have
 * no heads rows yet, and every reader folds them in. Checked on real files: the surface in every
 * view, as of a past txn, by prefix and through paging cursors is the same with a tail as without
 * one and as the memory store's; a read-only store folds a tail it cannot apply; invalidating a
 * tail transaction, de-duplicating against a head that only the tail holds and the `keys` counter
 * stay right; `close()` and a long tail before a surface page apply it (a page folds when the
 * write lock is taken and fails on any other failure to apply; `close()` closes all the same);
 * verify checks heads_seq.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventInput } from '../../src-core/model/types';
import { type SqliteEventStore, openSqliteStore } from '../../src-core/store/sqlite';
import { HEADS_TAIL_FOLD } from '../../src-core/store/sqlite/heads';
import type { EventStore } from '../../src-core/store/types';
import { surfaceAll } from './harness';
import { expectSameState, openOracle, replayLog } from './oracle';
import { readAll } from './harness';
import { tempDirEachTest } from './sqlite-old-files';

const dir = tempDirEachTest();

/** A bound no commit of these tests reaches: the tail is applied only by invalidation and close. */
const NEVER = Number.MAX_SAFE_INTEGER;

/** heads_seq and max_seq of `topic` as the file holds them. */
function tailOf(store: SqliteEventStore, topic: string): { heads_seq: number; max_seq: number } {
  return store.database
    .prepare<[string], { heads_seq: number; max_seq: number }>('SELECT heads_seq, max_seq FROM topics WHERE name = ?')
    .get(topic)!;
}

/** Scattered writes over 30 keys: live values, tombstones, rewrites of the same value. */
function round(r: number): EventInput[] {
  return Array.from({ length: 12 }, (_, i) => {
    const k = (r * 7 + i * 11) % 30;
    return { key: `k${String(k).padStart(2, '0')}`, data: (r + i) % 5 === 0 ? null : { v: (r * i) % 4 } };
  });
}

async function writeLog(store: EventStore): Promise<void> {
  for (let r = 0; r < 8; r++) await store.append('t', { events: round(r) });
  await store.invalidate('t', 3, 'old');
  for (let r = 8; r < 12; r++) await store.append('t', { events: round(r) });
}

const VIEWS = [
  {},
  { view: 'raw' as const },
  { prefix: 'k1' },
  { prefix: 'k2', view: 'raw' as const },
  { asOfTxn: 6 },
  { asOfTxn: 11, view: 'raw' as const },
];

async function surfaces(store: EventStore): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const v of VIEWS) {
    for (const size of [1, 4, 1000]) {
      out.push((await surfaceAll(store, 't', v, size)).map(({ time: _t, ...r }) => r));
    }
  }
  return out;
}

describe('SQLite heads tail', () => {
  it('reads the same surfaces with a tail as without one, and as the memory store', async () => {
    const tailed = openSqliteStore(join(dir(), 'tail.db'), { headsTailBound: NEVER });
    const plain = openSqliteStore(join(dir(), 'plain.db'), { headsTailBound: 0 });
    try {
      await writeLog(tailed);
      await writeLog(plain);
      const t = tailOf(tailed, 't');
      expect(t.heads_seq).toBeLessThan(t.max_seq);
      expect(tailOf(plain, 't').heads_seq).toBe(tailOf(plain, 't').max_seq);
      expect(await surfaces(tailed)).toEqual(await surfaces(plain));
      const oracle = openOracle();
      await replayLog(oracle, 't', await readAll(tailed, 't'));
      for (const asOfTxn of [undefined, 6, 11]) {
        await expectSameState(tailed, oracle, 't', { pageSize: 3, ...(asOfTxn === undefined ? {} : { asOfTxn }) });
      }
      expect((await tailed.topicInfo('t')).keys).toBe((await oracle.topicInfo('t')).keys);
      expect((await tailed.verify('t')).ok).toBe(true);
      await oracle.close();
    } finally {
      await tailed.close();
      await plain.close();
    }
  });

  it('folds the tail in a read-only store, even one longer than a writable store would fold', async () => {
    const file = join(dir(), 'ro.db');
    const writer = openSqliteStore(file, { headsTailBound: NEVER });
    const plain = openSqliteStore(join(dir(), 'plain.db'), { headsTailBound: 0 });
    try {
      await writeLog(writer);
      await writeLog(plain);
      const long = Array.from({ length: HEADS_TAIL_FOLD + 10 }, (_, i) => ({ key: `m${i % 700}`, data: i }));
      await writer.append('t', { events: long });
      await plain.append('t', { events: long });
      const before = tailOf(writer, 't');
      expect(before.max_seq - before.heads_seq).toBeGreaterThan(HEADS_TAIL_FOLD);
      const reader = openSqliteStore(file, { readonly: true });
      try {
        expect(await surfaces(reader)).toEqual(await surfaces(plain));
        expect((await reader.topicInfo('t')).keys).toBe((await plain.topicInfo('t')).keys);
        expect((await reader.verify('t')).ok).toBe(true);
      } finally {
        await reader.close();
      }
      // The read-only store changed nothing; the writer's own surface read applies the long tail.
      expect(tailOf(writer, 't')).toEqual(before);
      expect(await surfaces(writer)).toEqual(await surfaces(plain));
      expect(tailOf(writer, 't').heads_seq).toBe(before.max_seq);
    } finally {
      await writer.close();
      await plain.close();
    }
  });

  it('folds when the write lock is taken, but fails a surface page loudly when applying the tail fails otherwise; close() still closes', async () => {
    const file = join(dir(), 'fail.db');
    const plain = openSqliteStore(join(dir(), 'plain.db'), { headsTailBound: 0 });
    const long = Array.from({ length: HEADS_TAIL_FOLD + 10 }, (_, i) => ({ key: `m${i % 700}`, data: i }));
    await plain.append('t', { events: long });
    const s = openSqliteStore(file, { headsTailBound: NEVER });
    try {
      await s.append('t', { events: long });
      const before = tailOf(s, 't');
      expect(before.max_seq - before.heads_seq).toBeGreaterThan(HEADS_TAIL_FOLD);
      // Another connection holds the write lock: the page folds the tail and the tail stays.
      const other = new Database(file);
      try {
        other.prepare('BEGIN IMMEDIATE').run();
        const page = async (st: EventStore): Promise<unknown[]> =>
          (await st.surface('t', { limit: 1000 })).rows.map(({ key, seq, txn, hash, data }) => ({
            key,
            seq,
            txn,
            hash,
            data,
          }));
        expect(await page(s)).toEqual(await page(plain));
        expect(tailOf(s, 't')).toEqual(before);
        other.prepare('ROLLBACK').run();
        // A failure that is not "not now" (here a trigger refusing heads rows): the page says so.
        other.exec("CREATE TRIGGER no_heads BEFORE INSERT ON heads BEGIN SELECT RAISE(ABORT, 'no'); END");
      } finally {
        other.close();
      }
      await expect(s.surface('t')).rejects.toMatchObject({
        code: 'INTERNAL',
        message: 'storage error: a storage constraint failed',
      });
      expect(tailOf(s, 't')).toEqual(before);
    } finally {
      await s.close(); // its apply fails the same way, and the file is closed all the same
      await plain.close();
    }
    const db = new Database(file);
    try {
      expect(db.prepare('SELECT heads_seq, max_seq FROM topics').get()).toEqual({
        heads_seq: 0,
        max_seq: HEADS_TAIL_FOLD + 10,
      });
      db.exec('DROP TRIGGER no_heads');
    } finally {
      db.close();
    }
    const again = openSqliteStore(file, { readonly: true });
    try {
      expect((await again.surface('t', { limit: 1000 })).rows).toHaveLength(700);
    } finally {
      await again.close();
    }
  });

  it('applies the tail on close, so a file at rest has none', async () => {
    const file = join(dir(), 'close.db');
    const s = openSqliteStore(file, { headsTailBound: NEVER });
    await s.append('t', { events: round(0) });
    await s.append('u', { events: round(1) });
    expect(tailOf(s, 't').heads_seq).toBe(0);
    await s.close();
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT heads_seq, max_seq FROM topics').all() as {
        heads_seq: number;
        max_seq: number;
      }[];
      expect(rows).toHaveLength(2);
      for (const r of rows) expect(r.heads_seq).toBe(r.max_seq);
    } finally {
      db.close();
    }
  });

  it('invalidates a transaction of the tail: heads re-derived, no tail left, counters right', async () => {
    const s = openSqliteStore(join(dir(), 'inv.db'), { headsTailBound: NEVER });
    try {
      await s.append('t', { events: [{ key: 'a', data: 1 }] });
      await s.append('t', {
        events: [
          { key: 'a', data: 2 },
          { key: 'b', data: 3 },
        ],
      });
      await s.append('t', { events: [{ key: 'c', data: null }] });
      expect(tailOf(s, 't').heads_seq).toBe(0);
      await s.invalidate('t', 2, 'bad');
      expect(tailOf(s, 't')).toEqual({ heads_seq: 5, max_seq: 5 });
      const rows = await surfaceAll(s, 't');
      expect(rows.map((r) => [r.key, r.data])).toEqual([['a', 1]]);
      expect((await s.topicInfo('t')).keys).toBe(1);
      const raw = await surfaceAll(s, 't', { view: 'raw' });
      expect(raw.map((r) => [r.key, r.data, r.invalid ?? false])).toEqual([
        ['a', 2, true],
        ['b', 3, true],
      ]);
      // A new tail after the invalidation: re-sending the invalidated value is no duplicate.
      expect((await s.append('t', { events: [{ key: 'a', data: 2 }] })).results[0]!.duplicate).toBe(false);
      expect((await s.append('t', { events: [{ key: 'a', data: 2 }] })).results[0]!.duplicate).toBe(true);
      expect((await s.verify('t')).ok).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('de-duplicates against a head only the tail holds, with the cache dropped or in another store object', async () => {
    const file = join(dir(), 'dedup.db');
    const a = openSqliteStore(file, { headsTailBound: NEVER });
    const b = openSqliteStore(file, { headsTailBound: NEVER });
    try {
      await a.append('t', {
        events: [
          { key: 'k', data: 1 },
          { key: 'gone', data: 'x' },
        ],
      });
      await a.append('t', { events: [{ key: 'gone', data: null }] });
      expect(tailOf(a, 't').heads_seq).toBe(0);
      a.heads.clear();
      // The cache is gone and the heads rows are empty: the head is found in the tail.
      expect((await a.append('t', { events: [{ key: 'k', data: 1 }] })).results[0]).toEqual({
        seq: 1,
        txn: 1,
        duplicate: true,
      });
      expect((await b.append('t', { events: [{ key: 'k', data: 1 }] })).results[0]).toEqual({
        seq: 1,
        txn: 1,
        duplicate: true,
      });
      // The tombstone in the tail is the head of `gone`: re-sending it is a duplicate, and a live
      // value counts a key again (keys 1 -> 2).
      expect((await b.append('t', { events: [{ key: 'gone', data: null }] })).results[0]!.duplicate).toBe(true);
      expect((await b.topicInfo('t')).keys).toBe(1);
      await b.append('t', { events: [{ key: 'gone', data: 'back' }] });
      expect((await a.topicInfo('t')).keys).toBe(2);
      // a's cache is stale (b wrote): it must see b's tail event as the head.
      expect((await a.append('t', { events: [{ key: 'gone', data: 'back' }] })).results[0]!.duplicate).toBe(true);
      expect((await a.append('t', { events: [{ key: 'gone', data: null }] })).results[0]!.duplicate).toBe(false);
      expect((await a.topicInfo('t')).keys).toBe(1);
      expect((await a.verify('t')).ok).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('applies a tail from memory as the log says, also after another store object applied it', async () => {
    const file = join(dir(), 'known.db');
    // 12 events a round: the tail is applied from the cache every second commit or so.
    const a = openSqliteStore(file, { headsTailBound: 20 });
    const oracle = openOracle();
    /** Per key, its newest event up to heads_seq, as a heads row holds it (no invalidation here). */
    const expected = (): { key: string; valid: number; raw: null }[] => {
      const { heads_seq } = tailOf(a, 't');
      const rows = a.database
        .prepare<[number], { key: string; seq: number; live: number }>(
          'SELECT key, seq, data IS NOT NULL AS live FROM events WHERE marker = 0 AND seq <= ? ORDER BY seq',
        )
        .all(heads_seq);
      const m = new Map<string, number>();
      for (const r of rows) m.set(r.key, r.live ? r.seq : -r.seq);
      return [...m].sort(([x], [y]) => (x < y ? -1 : 1)).map(([key, valid]) => ({ key, valid, raw: null }));
    };
    const heads = (): unknown[] => a.database.prepare('SELECT key, valid, raw FROM heads ORDER BY key').all();
    let othersApplied = 0;
    try {
      for (let r = 0; r < 14; r++) {
        const events = round(r);
        await a.append('t', { events });
        await oracle.append('t', { events });
        const before = tailOf(a, 't');
        let appliedByOther = false;
        if (r % 3 === 0 && before.heads_seq < before.max_seq) {
          // Another object applies a's tail (its close): a's cache stays valid (max_seq is
          // unchanged) and still lists those events until its next write drops them.
          const b = openSqliteStore(file, { headsTailBound: NEVER });
          await b.close();
          expect(tailOf(a, 't').heads_seq).toBe(before.max_seq);
          appliedByOther = true;
          othersApplied++;
        }
        expect(heads(), `round ${r}`).toEqual(expected());
        // The cache lists exactly the tail's events (no markers here), whoever applied the rest.
        if (!appliedByOther) expect(a.heads.tailKnown('t'), `round ${r}`).toBe(before.max_seq - before.heads_seq);
      }
      expect(othersApplied).toBeGreaterThan(1);
      expect(tailOf(a, 't').heads_seq).toBeGreaterThan(0);
      await expectSameState(a, oracle, 't');
      expect((await a.verify('t')).ok).toBe(true);
    } finally {
      await a.close();
      await oracle.close();
    }
  });

  it('keeps the keys counter exact through tails applied and not, against the memory store', async () => {
    for (const bound of [0, 1, 5, NEVER]) {
      const s = openSqliteStore(join(dir(), `keys-${bound}.db`), { headsTailBound: bound });
      const oracle = openOracle();
      try {
        for (let r = 0; r < 10; r++) {
          const events = round(r);
          await s.append('t', { events });
          await oracle.append('t', { events });
          expect((await s.topicInfo('t')).keys, `bound ${bound}, round ${r}`).toBe((await oracle.topicInfo('t')).keys);
        }
      } finally {
        await s.close();
        await oracle.close();
      }
    }
  });

  it('verify finds a heads_seq past max_seq, a tail holding an invalid event, and heads rows missing a tail', async () => {
    const file = join(dir(), 'v.db');
    const s = openSqliteStore(file, { headsTailBound: NEVER });
    await writeLog(s);
    await s.close();
    const cases: [string, (db: Database.Database) => void, RegExp][] = [
      [
        'past max_seq',
        (db) => db.exec('UPDATE topics SET heads_seq = max_seq + 5'),
        /heads_seq \d+ is outside 0\.\.max_seq/,
      ],
      ['below 0', (db) => db.exec('UPDATE topics SET heads_seq = -1'), /heads_seq -1 is outside/],
      // Back to 0: the whole log is the tail again, and transaction 3 is invalid.
      [
        'an invalid event in the tail',
        (db) => db.exec('UPDATE topics SET heads_seq = 0'),
        /is invalid but in the tail/,
      ],
      [
        'heads rows without the tail',
        (db) => {
          db.exec('UPDATE topics SET heads_seq = max_seq');
          db.exec("DELETE FROM heads WHERE key = 'k05'");
        },
        /surface has no row for key "k05"/,
      ],
    ];
    for (const [name, corrupt, message] of cases) {
      const copy = join(dir(), `v-${name.replace(/\W+/g, '-')}.db`);
      copyFileSync(file, copy);
      const db = new Database(copy);
      corrupt(db);
      db.close();
      const c = openSqliteStore(copy, { readonly: true });
      try {
        const res = await c.verify('t');
        expect(res.ok, name).toBe(false);
        expect(res.firstBad, name).toMatchObject({
          what: 'surface',
          message: expect.stringMatching(message) as string,
        });
      } finally {
        await c.close();
      }
    }
    const ok = openSqliteStore(file, { readonly: true });
    expect((await ok.verify('t')).ok).toBe(true);
    await ok.close();
  });
});
