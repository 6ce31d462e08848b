/**
 * Contract cases for `appendBatch` (transactions applied in order, each atomically, stopping at
 * the first failure with its index, status, code and message; nothing after it applied, everything
 * before it committed) and for `subscribe` (listeners see committed events in seq order, markers
 * included, only for their topic, until they unsubscribe).
 */
import { describe, expect, it } from 'vitest';
import type { BatchTxn, StoredEvent } from '../../../src-core/model/types';
import { type StoreFixture, expectCode, freshTopic, readAll, waitFor } from '../harness';

export function batchCases(fx: StoreFixture): void {
  describe('appendBatch', () => {
    it('applies transactions in order, across topics, with the response of each', async () => {
      const t = freshTopic();
      const u = freshTopic();
      const res = await fx.store.appendBatch([
        { topic: t, events: [{ key: 'a', data: 1 }] },
        { topic: u, events: [{ key: 'a', data: 1 }] },
        { topic: t, events: [{ key: 'a', data: 1 }] },
        { topic: t, events: [{ key: 'b', data: 2 }], expectMaxSeq: 1 },
      ]);
      expect(res).toEqual({
        results: [
          { txn: 1, results: [{ seq: 1, txn: 1, duplicate: false }] },
          { txn: 1, results: [{ seq: 1, txn: 1, duplicate: false }] },
          { txn: null, results: [{ seq: 1, txn: 1, duplicate: true }] },
          { txn: 2, results: [{ seq: 2, txn: 2, duplicate: false }] },
        ],
        error: null,
      });
      expect((await fx.store.topicInfo(t)).maxTxn).toBe(2);
    });

    it('stops at the first CONFLICT: earlier ones committed, nothing after applied', async () => {
      const t = freshTopic();
      const u = freshTopic();
      const res = await fx.store.appendBatch([
        { topic: t, events: [{ key: 'a', data: 1 }] },
        { topic: t, events: [{ key: 'b', data: 1 }], expectMaxSeq: 7 },
        { topic: u, events: [{ key: 'c', data: 1 }] },
      ]);
      expect(res.results).toEqual([{ txn: 1, results: [{ seq: 1, txn: 1, duplicate: false }] }]);
      expect(res.error).toMatchObject({ index: 1, status: 409, code: 'CONFLICT' });
      expect(res.error!.message).toMatch(/expectMaxSeq/);
      expect((await readAll(fx.store, t)).map((e) => e.key)).toEqual(['a']);
      await expectCode(fx.store.topicInfo(u), 'NOT_FOUND');
    });

    it('stops at the first invalid transaction with a 400 naming the field', async () => {
      const t = freshTopic();
      const res = await fx.store.appendBatch([
        { topic: t, events: [{ key: 'a', data: 1 }] },
        { topic: t, events: [{ key: 'b', data: 2 }] },
        { topic: t, events: [{ key: '', data: 1 }] },
        { topic: t, events: [{ key: 'd', data: 1 }] },
      ]);
      expect(res.results.map((r) => r.txn)).toEqual([1, 2]);
      expect(res.error).toMatchObject({ index: 2, status: 400, code: 'BAD_REQUEST' });
      expect(res.error!.message).toMatch(/events\[0\]\.key/);
      expect((await readAll(fx.store, t)).map((e) => e.key)).toEqual(['a', 'b']);
    });

    it('reports a bad topic name at its index', async () => {
      const t = freshTopic();
      const res = await fx.store.appendBatch([
        { topic: t, events: [{ key: 'a', data: 1 }] },
        { topic: 'bad topic', events: [{ key: 'a', data: 1 }] },
      ] as BatchTxn[]);
      expect(res.error).toMatchObject({ index: 1, status: 400, code: 'BAD_REQUEST' });
      expect(res.error!.message).toMatch(/topic/);
      expect(res.results).toHaveLength(1);
    });

    it('accepts an empty batch', async () => {
      expect(await fx.store.appendBatch([])).toEqual({ results: [], error: null });
    });

    it('keeps numbering dense over many small transactions', async () => {
      const t = freshTopic();
      const txns: BatchTxn[] = Array.from({ length: 500 }, (_, i) => ({
        topic: t,
        events: [{ key: `k${i % 50}`, data: i }],
      }));
      const res = await fx.store.appendBatch(txns);
      expect(res.error).toBeNull();
      expect(res.results.map((r) => r.txn)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      const info = await fx.store.topicInfo(t);
      expect(info).toMatchObject({ events: 500, maxSeq: 500, maxTxn: 500, keys: 50 });
    });
  });

  describe('subscribe', () => {
    it('delivers committed events in order, markers included, only for its topic', async () => {
      const t = freshTopic();
      const u = freshTopic();
      // The topic exists before subscribing, as a live tail would find it.
      await fx.store.append(t, { events: [{ key: 'a', data: 0 }] });
      const seen: StoredEvent[] = [];
      const unsubscribe = fx.store.subscribe(t, (events) => seen.push(...events));
      try {
        await fx.store.append(t, {
          events: [
            { key: 'a', data: 1 },
            { key: 'b', data: 2 },
          ],
        });
        await fx.store.append(u, { events: [{ key: 'x', data: 1 }] });
        await fx.store.appendBatch([
          { topic: t, events: [{ key: 'c', data: 3 }] },
          { topic: t, events: [{ key: 'd', data: 4 }] },
        ]);
        await fx.store.invalidate(t, 2, 'test');
        await waitFor(() => expect(seen.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]));
        expect(seen.map((e) => e.key)).toEqual(['a', 'b', 'c', 'd', '$invalidate']);
        expect(seen[0]).toMatchObject({ topic: t, txn: 2, type: 'event', data: 1 });
        expect(seen[4]).toMatchObject({ type: 'invalidate', target: 2, reason: 'test', data: null });
      } finally {
        unsubscribe();
      }
      await fx.store.append(t, { events: [{ key: 'e', data: 5 }] });
      // Give a remote backend the chance to (wrongly) deliver, then check nothing arrived.
      await fx.store.readEvents(t, { after: 6 });
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toHaveLength(5);
    });
  });
}
