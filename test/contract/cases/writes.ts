/**
 * Contract cases for writing one transaction: dense numbering from 1 per topic, results in request
 * order, content hashing (canonical JSON, or the writer's hash kept as given), de-duplication
 * against the newest valid event of the key (A,B,A; same-transaction duplicates; all-duplicate
 * transactions use no txn number), expectMaxSeq, tombstones, data round-trips, and validation
 * errors that name the field and write nothing.
 */
import { describe, expect, it } from 'vitest';
import { hashData } from '../../../src-core/store/hash';
import { LIMITS } from '../../../src-core/model/limits';
import type { AppendRequest, EventInput } from '../../../src-core/model/types';
import { HEX64, ISO_MS, type StoreFixture, expectCode, freshTopic, readAll, surfaceAll } from '../harness';

const H1 = 'a'.repeat(64);

export function writeCases(fx: StoreFixture): void {
  describe('append', () => {
    it('numbers seq and txn densely from 1, per topic, results in request order', async () => {
      const t = freshTopic();
      const u = freshTopic();
      const r1 = await fx.store.append(t, {
        events: [
          { key: 'a', data: 1 },
          { key: 'b', data: 2 },
        ],
      });
      expect(r1).toEqual({
        txn: 1,
        results: [
          { seq: 1, txn: 1, duplicate: false },
          { seq: 2, txn: 1, duplicate: false },
        ],
      });
      const r2 = await fx.store.append(u, { events: [{ key: 'a', data: 1 }] });
      expect(r2.txn).toBe(1);
      expect(r2.results[0]!.seq).toBe(1);
      const r3 = await fx.store.append(t, { events: [{ key: 'c', data: 3 }] });
      expect(r3).toEqual({ txn: 2, results: [{ seq: 3, txn: 2, duplicate: false }] });
      const info = await fx.store.topicInfo(t);
      expect(info).toMatchObject({ topic: t, events: 3, keys: 3, maxSeq: 3, maxTxn: 2, invalidTxns: 0 });
      expect(info.lastTime).toMatch(ISO_MS);
    });

    it('stores the event shape of the contract', async () => {
      const t = freshTopic();
      await fx.store.append(t, {
        events: [
          { key: 'k1', data: { b: [1, 2.5, 'x'], a: { z: null, y: true } } },
          { key: 'k2', data: 'text ✓ 😀', contentType: 'text/plain' },
        ],
      });
      const events = await readAll(fx.store, t);
      expect(events).toHaveLength(2);
      const [e1, e2] = events;
      expect(e1).toMatchObject({
        topic: t,
        seq: 1,
        txn: 1,
        key: 'k1',
        type: 'event',
        data: { a: { y: true, z: null }, b: [1, 2.5, 'x'] },
        contentType: 'application/json',
        hash: hashData({ a: { y: true, z: null }, b: [1, 2.5, 'x'] }),
      });
      expect(e1!.time).toMatch(ISO_MS);
      expect(e1!.invalid).toBeUndefined();
      expect(e2).toMatchObject({ key: 'k2', data: 'text ✓ 😀', contentType: 'text/plain' });
      expect(e2!.hash).toMatch(HEX64);
    });

    it('hashes canonical JSON, so key order does not matter', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: { x: 1, y: 2 } }] });
      const r = await fx.store.append(t, { events: [{ key: 'a', data: { y: 2, x: 1 } }] });
      expect(r).toEqual({ txn: null, results: [{ seq: 1, txn: 1, duplicate: true }] });
    });

    it('keeps a writer-supplied hash as given and de-duplicates by it', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: { v: 1, at: 'noon' }, hash: H1 }] });
      const [e] = await readAll(fx.store, t);
      expect(e!.hash).toBe(H1);
      const r = await fx.store.append(t, { events: [{ key: 'a', data: { v: 1, at: 'one' }, hash: H1 }] });
      expect(r.txn).toBeNull();
      expect(r.results[0]).toEqual({ seq: 1, txn: 1, duplicate: true });
      const r2 = await fx.store.append(t, { events: [{ key: 'a', data: { v: 1, at: 'noon' } }] });
      expect(r2.results[0]!.duplicate).toBe(false);
    });

    it('compares whole hashes: hashes sharing a long prefix are different content', async () => {
      const t = freshTopic();
      const h1 = '0123456789abcdef'.repeat(3) + '0'.repeat(16);
      const h2 = '0123456789abcdef'.repeat(3) + '0'.repeat(15) + '1';
      await fx.store.append(t, { events: [{ key: 'a', data: 1, hash: h1 }] });
      const r = await fx.store.append(t, { events: [{ key: 'a', data: 1, hash: h2 }] });
      expect(r).toEqual({ txn: 2, results: [{ seq: 2, txn: 2, duplicate: false }] });
      const again = await fx.store.append(t, { events: [{ key: 'a', data: 2, hash: h2 }] });
      expect(again).toEqual({ txn: null, results: [{ seq: 2, txn: 2, duplicate: true }] });
    });

    it('compares with the newest valid event only: A, B, A stores all three', async () => {
      const t = freshTopic();
      for (const v of ['A', 'B', 'A']) await fx.store.append(t, { events: [{ key: 'k', data: v }] });
      const events = await readAll(fx.store, t);
      expect(events.map((e) => [e.seq, e.txn, e.data])).toEqual([
        [1, 1, 'A'],
        [2, 2, 'B'],
        [3, 3, 'A'],
      ]);
    });

    it('counts earlier events of the same transaction', async () => {
      const t = freshTopic();
      const r = await fx.store.append(t, {
        events: [
          { key: 'k', data: 1 },
          { key: 'k', data: 1 },
          { key: 'j', data: 1 },
          { key: 'k', data: 2 },
          { key: 'k', data: 1 },
        ],
      });
      expect(r).toEqual({
        txn: 1,
        results: [
          { seq: 1, txn: 1, duplicate: false },
          { seq: 1, txn: 1, duplicate: true },
          { seq: 2, txn: 1, duplicate: false },
          { seq: 3, txn: 1, duplicate: false },
          { seq: 4, txn: 1, duplicate: false },
        ],
      });
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(4);
    });

    it('uses no txn number when every event is a duplicate, and carries the earlier numbers', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      await fx.store.append(t, { events: [{ key: 'b', data: 2 }] });
      const before = await fx.store.topicInfo(t);
      const r = await fx.store.append(t, {
        events: [
          { key: 'b', data: 2 },
          { key: 'a', data: 1 },
        ],
      });
      expect(r).toEqual({
        txn: null,
        results: [
          { seq: 2, txn: 2, duplicate: true },
          { seq: 1, txn: 1, duplicate: true },
        ],
      });
      expect(await fx.store.topicInfo(t)).toEqual(before);
      expect((await fx.store.listTxns(t)).txns).toHaveLength(2);
      // A mixed transaction still gets the next number.
      const m = await fx.store.append(t, {
        events: [
          { key: 'a', data: 1 },
          { key: 'c', data: 3 },
        ],
      });
      expect(m).toEqual({
        txn: 3,
        results: [
          { seq: 1, txn: 1, duplicate: true },
          { seq: 3, txn: 3, duplicate: false },
        ],
      });
    });

    it('checks expectMaxSeq (0 for an empty topic) and writes nothing on CONFLICT', async () => {
      const t = freshTopic();
      await expectCode(fx.store.append(t, { events: [{ key: 'a', data: 1 }], expectMaxSeq: 3 }), 'CONFLICT');
      await expectCode(fx.store.topicInfo(t), 'NOT_FOUND');
      expect((await fx.store.append(t, { events: [{ key: 'a', data: 1 }], expectMaxSeq: 0 })).txn).toBe(1);
      await expectCode(fx.store.append(t, { events: [{ key: 'b', data: 1 }], expectMaxSeq: 0 }), 'CONFLICT');
      expect((await fx.store.append(t, { events: [{ key: 'b', data: 1 }], expectMaxSeq: 1 })).txn).toBe(2);
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(2);
    });

    it('treats null data as a tombstone that removes the key from the surface', async () => {
      const t = freshTopic();
      await fx.store.append(t, {
        events: [
          { key: 'a', data: 1 },
          { key: 'b', data: 2 },
        ],
      });
      await fx.store.append(t, { events: [{ key: 'a', data: null }] });
      expect((await surfaceAll(fx.store, t)).map((r) => r.key)).toEqual(['b']);
      expect((await surfaceAll(fx.store, t, { view: 'raw' })).map((r) => r.key)).toEqual(['b']);
      expect((await fx.store.topicInfo(t)).keys).toBe(1);
      // A second tombstone is a duplicate; the old value after it is not.
      expect((await fx.store.append(t, { events: [{ key: 'a', data: null }] })).txn).toBeNull();
      const back = await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      expect(back.results[0]!.duplicate).toBe(false);
      expect((await fx.store.topicInfo(t)).keys).toBe(2);
      // A tombstone for a key never written is stored and leaves the surface alone.
      const ghost = await fx.store.append(t, { events: [{ key: 'zz', data: null }] });
      expect(ghost.results[0]!.duplicate).toBe(false);
      expect((await surfaceAll(fx.store, t)).map((r) => r.key)).toEqual(['a', 'b']);
    });

    it('accepts 10,000 events in one transaction and refuses 10,001', async () => {
      const t = freshTopic();
      const events = (n: number): EventInput[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, data: i }));
      await expectCode(fx.store.append(t, { events: events(LIMITS.eventsPerTxnMax + 1) }), 'BAD_REQUEST', /events/);
      const r = await fx.store.append(t, { events: events(LIMITS.eventsPerTxnMax) });
      expect(r.results[LIMITS.eventsPerTxnMax - 1]).toEqual({ seq: 10_000, txn: 1, duplicate: false });
      expect((await fx.store.topicInfo(t)).keys).toBe(10_000);
    });
  });

  describe('append validation', () => {
    const bad: [string, string, AppendRequest | Record<string, unknown>, RegExp][] = [
      ['no events', 't', { events: [] }, /events/],
      ['events not an array', 't', { events: 'x' }, /events/],
      ['empty key', 't', { events: [{ key: '', data: 1 }] }, /events\[0\]\.key/],
      ['key too long', 't', { events: [{ key: 'k'.repeat(1025), data: 1 }] }, /events\[0\]\.key/],
      ['reserved key', 't', { events: [{ key: '$invalidate', data: 1 }] }, /events\[0\]\.key/],
      ['non-string key', 't', { events: [{ key: 5, data: 1 }] }, /events\[0\]\.key/],
      ['key with a lone surrogate', 't', { events: [{ key: 'a\ud800', data: 1 }] }, /events\[0\]\.key/],
      ['missing data', 't', { events: [{ key: 'a', data: 1 }, { key: 'b' }] }, /events\[1\]\.data/],
      [
        'bad hash',
        't',
        {
          events: [
            { key: 'a', data: 1 },
            { key: 'b', data: 1, hash: 'ABC' },
          ],
        },
        /events\[1\]\.hash/,
      ],
      ['upper-case hash', 't', { events: [{ key: 'a', data: 1, hash: 'A'.repeat(64) }] }, /events\[0\]\.hash/],
      ['bad content type', 't', { events: [{ key: 'a', data: 1, contentType: '' }] }, /events\[0\]\.contentType/],
      ['negative expectMaxSeq', 't', { events: [{ key: 'a', data: 1 }], expectMaxSeq: -1 }, /expectMaxSeq/],
      ['bad topic name', 'has space', { events: [{ key: 'a', data: 1 }] }, /topic/],
      ['topic starting with a dot', '.t', { events: [{ key: 'a', data: 1 }] }, /topic/],
      ['topic too long', 'x'.repeat(201), { events: [{ key: 'a', data: 1 }] }, /topic/],
    ];
    for (const [name, topicBase, body, field] of bad) {
      it(`refuses ${name} with BAD_REQUEST naming the field, writing nothing`, async () => {
        const topic = topicBase === 't' ? freshTopic() : topicBase;
        await expectCode(fx.store.append(topic, body as AppendRequest), 'BAD_REQUEST', field);
        expect(await fx.store.listTopics()).toEqual([]);
      });
    }

    it('accepts every allowed topic character', async () => {
      const t = `A-z_0.9:${Date.now()}`;
      expect((await fx.store.append(t, { events: [{ key: 'a', data: 1 }] })).txn).toBe(1);
      expect((await fx.store.topicInfo(t)).topic).toBe(t);
    });
  });
}
