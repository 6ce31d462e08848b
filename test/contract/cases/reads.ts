/**
 * Contract cases for reading: `readEvents` (asc/desc, after/before cursors, `next` = last seq of a
 * full page or null at the end, key and txn filters, unknown topics), `listTxns` and `getTxn`
 * (TxnInfo fields, paging both ways, NOT_FOUND), `topicInfo` and `listTopics`, and the
 * validation of paging options.
 */
import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../../src-core/store/types';
import { ISO_MS, type StoreFixture, expectCode, freshTopic } from '../harness';

/** txn1: a1 b1 | txn2: a2 | txn3: c1 b2 | txn4: a3  (seq 1..6) */
async function seed(store: EventStore): Promise<string> {
  const t = freshTopic();
  await store.append(t, {
    events: [
      { key: 'a', data: 'a1' },
      { key: 'b', data: 'b1' },
    ],
  });
  await store.append(t, { events: [{ key: 'a', data: 'a2' }] });
  await store.append(t, {
    events: [
      { key: 'c', data: 'c1' },
      { key: 'b', data: 'b2' },
    ],
  });
  await store.append(t, { events: [{ key: 'a', data: 'a3' }] });
  return t;
}

export function readCases(fx: StoreFixture): void {
  describe('readEvents', () => {
    it('reads ascending from after, with next = the last seq of a full page', async () => {
      const t = await seed(fx.store);
      const all = await fx.store.readEvents(t);
      expect(all.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(all.next).toBeNull();
      const p1 = await fx.store.readEvents(t, { limit: 4 });
      expect(p1.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(p1.next).toBe(4);
      const p2 = await fx.store.readEvents(t, { after: p1.next!, limit: 4 });
      expect(p2.events.map((e) => e.seq)).toEqual([5, 6]);
      expect(p2.next).toBeNull();
      const exact = await fx.store.readEvents(t, { after: 3, limit: 3 });
      expect(exact.events.map((e) => e.seq)).toEqual([4, 5, 6]);
      expect(exact.next).toBeNull();
      expect((await fx.store.readEvents(t, { after: 6 })).events).toEqual([]);
    });

    it('reads descending from before, newest first', async () => {
      const t = await seed(fx.store);
      const p1 = await fx.store.readEvents(t, { order: 'desc', limit: 4 });
      expect(p1.events.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
      expect(p1.next).toBe(3);
      const p2 = await fx.store.readEvents(t, { order: 'desc', before: p1.next!, limit: 4 });
      expect(p2.events.map((e) => e.seq)).toEqual([2, 1]);
      expect(p2.next).toBeNull();
    });

    it('filters by key and by txn, in both orders', async () => {
      const t = await seed(fx.store);
      const byKey = await fx.store.readEvents(t, { key: 'a' });
      expect(byKey.events.map((e) => e.data)).toEqual(['a1', 'a2', 'a3']);
      const byKeyDesc = await fx.store.readEvents(t, { key: 'a', order: 'desc', limit: 2 });
      expect(byKeyDesc.events.map((e) => e.seq)).toEqual([6, 3]);
      expect(byKeyDesc.next).toBe(3);
      const rest = await fx.store.readEvents(t, { key: 'a', order: 'desc', before: 3, limit: 2 });
      expect(rest.events.map((e) => e.seq)).toEqual([1]);
      expect(rest.next).toBeNull();
      const byTxn = await fx.store.readEvents(t, { txn: 3 });
      expect(byTxn.events.map((e) => [e.seq, e.key])).toEqual([
        [4, 'c'],
        [5, 'b'],
      ]);
      const both = await fx.store.readEvents(t, { txn: 3, key: 'b' });
      expect(both.events.map((e) => e.seq)).toEqual([5]);
      expect((await fx.store.readEvents(t, { txn: 99 })).events).toEqual([]);
      expect((await fx.store.readEvents(t, { key: 'nope' })).events).toEqual([]);
    });

    it('returns an empty page for an unknown topic', async () => {
      expect(await fx.store.readEvents(freshTopic())).toEqual({ events: [], next: null });
    });

    it('validates paging options, naming them', async () => {
      const t = await seed(fx.store);
      await expectCode(fx.store.readEvents(t, { limit: 0 }), 'BAD_REQUEST', /limit/);
      await expectCode(fx.store.readEvents(t, { limit: 10_001 }), 'BAD_REQUEST', /limit/);
      await expectCode(fx.store.readEvents(t, { after: -1 }), 'BAD_REQUEST', /after/);
      await expectCode(fx.store.readEvents(t, { order: 'sideways' as 'asc' }), 'BAD_REQUEST', /order/);
      await expectCode(fx.store.readEvents('bad name'), 'BAD_REQUEST', /topic/);
      expect((await fx.store.readEvents(t, { limit: 10_000 })).events).toHaveLength(6);
    });
  });

  describe('transactions', () => {
    it('lists TxnInfo ascending and descending with paging', async () => {
      const t = await seed(fx.store);
      const all = await fx.store.listTxns(t);
      expect(all.next).toBeNull();
      expect(all.txns.map((x) => [x.txn, x.firstSeq, x.lastSeq, x.count])).toEqual([
        [1, 1, 2, 2],
        [2, 3, 3, 1],
        [3, 4, 5, 2],
        [4, 6, 6, 1],
      ]);
      for (const x of all.txns) {
        expect(x.time).toMatch(ISO_MS);
        expect(x.invalidatedBy).toBeNull();
        expect(x.reason).toBeNull();
      }
      const p1 = await fx.store.listTxns(t, { limit: 3 });
      expect(p1.txns.map((x) => x.txn)).toEqual([1, 2, 3]);
      expect(p1.next).toBe(3);
      expect((await fx.store.listTxns(t, { after: 3 })).txns.map((x) => x.txn)).toEqual([4]);
      const d1 = await fx.store.listTxns(t, { order: 'desc', limit: 2 });
      expect(d1.txns.map((x) => x.txn)).toEqual([4, 3]);
      expect(d1.next).toBe(3);
      const d2 = await fx.store.listTxns(t, { order: 'desc', before: 3, limit: 2 });
      expect(d2.txns.map((x) => x.txn)).toEqual([2, 1]);
      expect(d2.next).toBeNull();
      expect(await fx.store.listTxns(freshTopic())).toEqual({ txns: [], next: null });
    });

    it('gets one transaction with its events, NOT_FOUND otherwise', async () => {
      const t = await seed(fx.store);
      const d = await fx.store.getTxn(t, 3);
      expect(d).toMatchObject({ txn: 3, firstSeq: 4, lastSeq: 5, count: 2, invalidatedBy: null, reason: null });
      expect(d.events.map((e) => [e.seq, e.key, e.txn])).toEqual([
        [4, 'c', 3],
        [5, 'b', 3],
      ]);
      await expectCode(fx.store.getTxn(t, 5), 'NOT_FOUND');
      await expectCode(fx.store.getTxn(freshTopic(), 1), 'NOT_FOUND');
    });
  });

  describe('topics', () => {
    it('serves counters and lists topics by name', async () => {
      const t = await seed(fx.store);
      expect(await fx.store.topicInfo(t)).toMatchObject({
        topic: t,
        events: 6,
        keys: 3,
        maxSeq: 6,
        maxTxn: 4,
        invalidTxns: 0,
      });
      await fx.store.append('b-topic', { events: [{ key: 'k', data: 1 }] });
      await fx.store.append('A-topic', { events: [{ key: 'k', data: 1 }] });
      const names = (await fx.store.listTopics()).map((x) => x.topic);
      expect(names).toEqual(['A-topic', 'b-topic', t].sort());
      await expectCode(fx.store.topicInfo(freshTopic()), 'NOT_FOUND');
      await expectCode(fx.store.topicInfo('bad name'), 'BAD_REQUEST', /topic/);
    });
  });
}
