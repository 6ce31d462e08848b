/**
 * The SQLite write path's in-process head cache (src-core/store/sqlite/heads.ts): de-duplication,
 * numbering and key counts stay right when two store objects (as two processes would) interleave
 * writes, appends and invalidations on one file; a rolled-back batch leaves the cache unchanged;
 * past its limit a topic's cache keeps its newest part and the engine falls back to the heads rows for
 * the rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEAD_CACHE_LIMIT, HEAD_CACHE_TOTAL_LIMIT, HeadCache } from '../../src-core/store/sqlite/heads';
import { type SqliteEventStore, openSqliteStore } from '../../src-core/store/sqlite';
import { readAll, surfaceAll } from './harness';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-heads-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function expectDense(s: SqliteEventStore, topic: string): Promise<void> {
  const events = await readAll(s, topic);
  events.forEach((e, i) => expect(e.seq).toBe(i + 1));
  const info = await s.topicInfo(topic);
  expect(info.maxSeq).toBe(events.length);
  expect(info.keys).toBe((await surfaceAll(s, topic)).length);
}

describe('SQLite head cache', () => {
  it('is complete for a topic this object saw empty, and follows its own writes', async () => {
    const s = openSqliteStore(join(dir, 'a.db'));
    await s.append('t', {
      events: [
        { key: 'a', data: 1 },
        { key: 'b', data: 2 },
        { key: 'a', data: 1 },
      ],
    });
    expect(s.heads.stats('t')).toEqual({ size: 2, complete: true, maxSeq: 2 });
    const r = await s.append('t', {
      events: [
        { key: 'a', data: 1 },
        { key: 'b', data: null },
      ],
    });
    expect(r.results[0]).toEqual({ seq: 1, txn: 1, duplicate: true });
    expect(r.results[1]).toMatchObject({ seq: 3, duplicate: false });
    expect((await s.topicInfo('t')).keys).toBe(1);
    await s.close();
  });

  it("writes each key's latest head to its heads row when one call holds it several times, out of key order", async () => {
    // The tail is applied per key (its newest tail event, in key order, by close() here): a key
    // written several times in the call must still end as its last write, read here by a second
    // store object whose cache is empty (so it reads the heads rows).
    const file = join(dir, 'a.db');
    const s = openSqliteStore(file);
    const keys = Array.from({ length: 40 }, (_, i) => `k${String((i * 17) % 40).padStart(2, '0')}`);
    const txns = [0, 1, 2].map((round) => ({
      topic: 't',
      events: keys.map((key, i) => ({ key, data: round === 2 && i % 5 === 0 ? null : { round, key } })),
    }));
    const res = await s.appendBatch(txns);
    expect(res.error).toBeNull();
    await s.close();
    const fresh = openSqliteStore(file);
    const rows = await surfaceAll(fresh, 't');
    const live = keys.filter((_, i) => i % 5 !== 0).sort();
    expect(rows.map((r) => r.key)).toEqual(live);
    for (const r of rows) expect(r.data).toEqual({ round: 2, key: r.key });
    expect((await fresh.topicInfo('t')).keys).toBe(live.length);
    const again = await fresh.append('t', { events: [{ key: live[0]!, data: { round: 2, key: live[0]! } }] });
    expect(again.results[0]!.duplicate).toBe(true);
    await fresh.close();
  });

  // Default: every write below stays in the heads tail (schema.ts); bound 0: each commit applies
  // it; bound 2: some commits apply it, others leave a tail the other object meets.
  it.each([
    ['tails of every write (default bound)', undefined],
    ['no tails (bound 0)', 0],
    ['tails applied by some commits (bound 2)', 2],
  ])(
    'keeps dedup, numbering and counters right when two store objects interleave writes on one file: %s',
    async (_name, bound) => {
      const file = join(dir, 'shared.db');
      const opts = bound === undefined ? {} : { headsTailBound: bound };
      const a = openSqliteStore(file, opts);
      const b = openSqliteStore(file, opts);
      // a writes k=1; b (never saw the topic empty) changes k to 2; a must not think 1 is the head.
      await a.append('t', {
        events: [
          { key: 'k', data: 1 },
          { key: 'x', data: 'x' },
        ],
      });
      await b.append('t', { events: [{ key: 'k', data: 2 }] });
      const r1 = await a.append('t', { events: [{ key: 'k', data: 1 }] });
      expect(r1).toEqual({ txn: 3, results: [{ seq: 4, txn: 3, duplicate: false }] });
      // b's cache is stale now too (a wrote): re-sending a's value is a duplicate, b's old one is not.
      const r2 = await b.append('t', {
        events: [
          { key: 'k', data: 1 },
          { key: 'k', data: 2 },
        ],
      });
      expect(r2.results[0]).toEqual({ seq: 4, txn: 3, duplicate: true });
      expect(r2.results[1]).toEqual({ seq: 5, txn: 4, duplicate: false });
      // A new key written by b is not "absent" for a, whose cache was complete before.
      await b.append('t', { events: [{ key: 'y', data: 'y' }] });
      const r3 = await a.append('t', {
        events: [
          { key: 'y', data: 'y' },
          { key: 'x', data: null },
        ],
      });
      expect(r3.results[0]).toEqual({ seq: 6, txn: 5, duplicate: true });
      expect(r3.results[1]).toMatchObject({ seq: 7, txn: 6, duplicate: false });
      // An invalidation by the other object drops the head from the cache's view.
      await b.invalidate('t', 4, 'from b');
      const r4 = await a.append('t', { events: [{ key: 'k', data: 1 }] });
      expect(r4.results[0]).toEqual({ seq: 4, txn: 3, duplicate: true });
      const r5 = await a.append('t', { events: [{ key: 'k', data: 2 }] });
      expect(r5.results[0]).toMatchObject({ seq: 9, duplicate: false });
      // appendBatch of many one-event txns from both objects, alternating.
      for (let i = 0; i < 6; i++) {
        const s = i % 2 === 0 ? a : b;
        const res = await s.appendBatch([
          { topic: 't', events: [{ key: 'k', data: i % 3 }] },
          { topic: 't', events: [{ key: 'k', data: i % 3 }] },
          { topic: 't', events: [{ key: `n${i}`, data: i }] },
        ]);
        expect(res.error).toBeNull();
        expect(res.results[1]!.results[0]!.duplicate).toBe(true);
      }
      await expectDense(a, 't');
      await expectDense(b, 't');
      expect(await surfaceAll(a, 't')).toEqual(await surfaceAll(b, 't'));
      await a.close();
      await b.close();
    },
  );

  it('follows its own invalidations (heads re-derived, key counts right)', async () => {
    const s = openSqliteStore(join(dir, 'inv.db'));
    await s.append('t', { events: [{ key: 'a', data: 1 }] });
    await s.append('t', {
      events: [
        { key: 'a', data: 2 },
        { key: 'b', data: 3 },
      ],
    });
    await s.invalidate('t', 2, 'bad');
    expect(s.heads.stats('t')?.complete).toBe(true);
    expect((await s.append('t', { events: [{ key: 'a', data: 1 }] })).results[0]).toEqual({
      seq: 1,
      txn: 1,
      duplicate: true,
    });
    expect((await s.append('t', { events: [{ key: 'a', data: 2 }] })).results[0]!.duplicate).toBe(false);
    expect((await s.append('t', { events: [{ key: 'b', data: 3 }] })).results[0]!.duplicate).toBe(false);
    await expectDense(s, 't');
    await s.close();
  });

  it('drops what a rolled-back batch put in the cache', async () => {
    const s = openSqliteStore(join(dir, 'rollback.db'));
    await s.append('t', { events: [{ key: 'a', data: 1 }] });
    // A storage failure after the event insert: a trigger refuses the txns row of txn 2.
    s.database.exec(
      "CREATE TRIGGER no_txn2 BEFORE INSERT ON txns WHEN NEW.txn = 2 BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    await expect(
      s.append('t', {
        events: [
          { key: 'a', data: 2 },
          { key: 'b', data: 1 },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    expect(s.heads.stats('t')).toBeUndefined();
    s.database.exec('DROP TRIGGER no_txn2');
    // Had the cache kept a=2 as the head, this would be reported a duplicate of an event that never was.
    const r = await s.append('t', {
      events: [
        { key: 'a', data: 2 },
        { key: 'a', data: 1 },
      ],
    });
    expect(r.results).toEqual([
      { seq: 2, txn: 2, duplicate: false },
      { seq: 3, txn: 2, duplicate: false },
    ]);
    expect((await s.append('t', { events: [{ key: 'b', data: 1 }] })).results[0]!.duplicate).toBe(false);
    await expectDense(s, 't');
    await s.close();
  });

  it('leaves the cache unchanged when a batch fails part-way or rolls back', async () => {
    const s = openSqliteStore(join(dir, 'fail.db'));
    await s.append('t', { events: [{ key: 'a', data: 1 }] });
    const res = await s.appendBatch([
      { topic: 't', events: [{ key: 'a', data: 2 }] },
      { topic: 't', expectMaxSeq: 0, events: [{ key: 'a', data: 3 }] },
    ]);
    expect(res.error).toMatchObject({ index: 1, code: 'CONFLICT' });
    await expect(s.append('t', { events: [{ key: 'a', data: 2 }] })).resolves.toMatchObject({ txn: null });
    await expect(s.append('t', { expectMaxSeq: 5, events: [{ key: 'a', data: 9 }] })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await s.append('t', { events: [{ key: 'a', data: 9 }] })).results[0]).toMatchObject({
      seq: 3,
      duplicate: false,
    });
    await expectDense(s, 't');
    await s.close();
  });

  it('keeps only the newest part of a topic past its limit and stops treating unknown keys as absent', () => {
    const c = new HeadCache(3, HEAD_CACHE_TOTAL_LIMIT, 1);
    const t = c.validFor('t', 1, 0);
    expect(t.complete).toBe(true);
    t.heads.set('a', { seq: 1, hash52: 1, live: 1 });
    c.committed('t', t, 1);
    expect(c.stats('t')).toEqual({ size: 1, complete: true, maxSeq: 1 });
    const t2 = c.validFor('t', 1, 1);
    expect(t2).toBe(t);
    ['b', 'c', 'd'].forEach((k, i) => t2.heads.set(k, { seq: i + 2, hash52: 1, live: 1 }));
    c.committed('t', t2, 4);
    // Four heads passed the limit of 3: the newest one (d) is kept, and a key not held is no
    // longer known to be absent.
    expect(c.stats('t')).toEqual({ size: 1, complete: false, maxSeq: 4 });
    expect([...t2.heads.keys()]).toEqual(['d']);
    expect(c.size).toBe(1);
    // Another writer moved max_seq: a fresh, incomplete cache.
    c.validFor('t', 1, 4).heads.set('e', { seq: 5, hash52: 1, live: 1 });
    expect(c.validFor('t', 1, 9)).toMatchObject({ complete: false, maxSeq: 9 });
    expect(c.stats('t')?.size).toBe(0);
    expect(HEAD_CACHE_LIMIT).toBeGreaterThan(100_000);
    expect(new HeadCache().stats('none')).toBeUndefined();
  });

  it('de-duplicates and counts right with a cache that keeps only part of a topic', async () => {
    const s = openSqliteStore(join(dir, 'a.db'));
    // A small cache: past 4 heads it keeps the newest 2 (the engine's is 262,144 and half).
    Object.defineProperty(s, 'heads', { value: new HeadCache(4, HEAD_CACHE_TOTAL_LIMIT, 2) });
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    await s.append('t', { events: keys.map((key) => ({ key, data: { v: 1 } })) });
    expect(s.heads.stats('t')).toEqual({ size: 2, complete: false, maxSeq: 10 });
    // Every key again with the same data: all duplicates, whether held (k8, k9) or read from the heads rows.
    const again = await s.append('t', { events: keys.map((key) => ({ key, data: { v: 1 } })) });
    expect(again.txn).toBeNull();
    expect(again.results.every((r) => r.duplicate)).toBe(true);
    // New data for a held key and an evicted one, and a new key: written, counted once each.
    const next = await s.append('t', {
      events: [
        { key: 'k9', data: { v: 2 } },
        { key: 'k0', data: { v: 2 } },
        { key: 'new', data: { v: 1 } },
      ],
    });
    expect(next.results.map((r) => r.duplicate)).toEqual([false, false, false]);
    expect((await s.topicInfo('t')).keys).toBe(11);
    await expectDense(s, 't');
    await s.close();
  });

  it('drops every topic past its total limit', () => {
    const c = new HeadCache(10, 5);
    for (const [i, name] of ['a', 'b'].entries()) {
      const t = c.validFor(name, i + 1, 0);
      t.heads.set('x', { seq: 1, hash52: 1, live: 1 });
      t.heads.set('y', { seq: 2, hash52: 1, live: 1 });
      c.committed(name, t, 2);
    }
    expect(c.size).toBe(4);
    c.drop('a');
    expect(c.size).toBe(2);
    const t = c.validFor('c', 3, 0);
    for (const k of ['p', 'q', 'r', 's']) t.heads.set(k, { seq: 1, hash52: 1, live: 1 });
    c.committed('c', t, 4);
    expect(c.size).toBe(0);
    expect(c.stats('b')).toBeUndefined();
    expect(c.stats('c')).toBeUndefined();
  });
});
