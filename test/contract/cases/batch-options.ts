/**
 * Contract cases for `appendBatch`'s options: `atomic` (every transaction in one database commit or
 * none: a failure anywhere answers `{results: [], error}` and leaves the topics untouched, the
 * transactions before it included) and `dryRun` (the answer the write would give, nothing written,
 * nothing stored), alone and together, and `expectMaxSeq` on the first transaction of an atomic
 * batch guarding the whole of it.
 */
import { describe, expect, it } from 'vitest';
import type { BatchTxn } from '../../../src-core/model/types';
import { type StoreFixture, expectCode, freshTopic, readAll } from '../harness';

function txns(topic: string, n: number, first = 0): BatchTxn[] {
  return Array.from({ length: n }, (_, i) => ({ topic, events: [{ key: `k${first + i}`, data: first + i }] }));
}

export function batchOptionCases(fx: StoreFixture): void {
  describe('appendBatch options', () => {
    it('atomic: commits every transaction, with consecutive numbers', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 0 }] });
      const res = await fx.store.appendBatch(txns(t, 3), { atomic: true });
      expect(res.error).toBeNull();
      expect(res.results.map((r) => r.txn)).toEqual([2, 3, 4]);
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(4);
    });

    it('atomic: a CONFLICT in the last transaction leaves nothing of the batch applied', async () => {
      const t = freshTopic();
      const u = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 0 }] });
      const before = await fx.store.topicInfo(t);
      const res = await fx.store.appendBatch(
        [...txns(t, 2), { topic: u, events: [{ key: 'x', data: 1 }] }, { ...txns(t, 1, 9)[0]!, expectMaxSeq: 1 }],
        { atomic: true },
      );
      expect(res.results).toEqual([]);
      expect(res.error).toMatchObject({ index: 3, status: 409, code: 'CONFLICT' });
      expect(await fx.store.topicInfo(t)).toEqual(before);
      await expectCode(fx.store.topicInfo(u), 'NOT_FOUND');
    });

    it('atomic: an invalid transaction anywhere writes nothing, and is named', async () => {
      const t = freshTopic();
      const res = await fx.store.appendBatch([...txns(t, 2), { topic: t, events: [{ key: '', data: 1 }] }], {
        atomic: true,
      });
      expect(res.results).toEqual([]);
      expect(res.error).toMatchObject({ index: 2, status: 400, code: 'BAD_REQUEST' });
      expect(res.error!.message).toMatch(/txns\[2\]\.events\[0\]\.key/);
      await expectCode(fx.store.topicInfo(t), 'NOT_FOUND');
    });

    it('atomic: expectMaxSeq on the first transaction guards the batch', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 0 }] });
      const stale = [{ ...txns(t, 1)[0]!, expectMaxSeq: 0 }, ...txns(t, 2, 1)];
      const refused = await fx.store.appendBatch(stale, { atomic: true });
      expect(refused).toMatchObject({ results: [], error: { index: 0, code: 'CONFLICT' } });
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(1);
      const ok = await fx.store.appendBatch([{ ...txns(t, 1)[0]!, expectMaxSeq: 1 }, ...txns(t, 2, 1)], {
        atomic: true,
      });
      expect(ok.error).toBeNull();
      expect(ok.results.map((r) => r.txn)).toEqual([2, 3, 4]);
    });

    it('dryRun: answers what the write then returns, and writes nothing', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'k0', data: 0 }] });
      const batch = [...txns(t, 3), { topic: t, events: [{ key: 'k1', data: 1 }] }];
      const dry = await fx.store.appendBatch(batch, { dryRun: true });
      expect((await readAll(fx.store, t)).length).toBe(1);
      const real = await fx.store.appendBatch(batch);
      expect(dry).toEqual(real);
      expect(real.results.map((r) => r.txn)).toEqual([null, 2, 3, null]);
    });

    it('dryRun: a new topic is not created, and a failure is reported as the write would', async () => {
      const t = freshTopic();
      const dry = await fx.store.appendBatch([...txns(t, 2), { ...txns(t, 1, 5)[0]!, expectMaxSeq: 0 }], {
        dryRun: true,
      });
      expect(dry.results.map((r) => r.txn)).toEqual([1, 2]);
      expect(dry.error).toMatchObject({ index: 2, code: 'CONFLICT' });
      await expectCode(fx.store.topicInfo(t), 'NOT_FOUND');
      const both = await fx.store.appendBatch(txns(t, 2), { dryRun: true, atomic: true });
      expect(both).toEqual({
        results: [
          { txn: 1, results: [{ seq: 1, txn: 1, duplicate: false }] },
          { txn: 2, results: [{ seq: 2, txn: 2, duplicate: false }] },
        ],
        error: null,
      });
      await expectCode(fx.store.topicInfo(t), 'NOT_FOUND');
    });

    it('refuses options that are not booleans', async () => {
      const t = freshTopic();
      await expectCode(
        fx.store.appendBatch(txns(t, 1), { atomic: 'yes' as unknown as boolean }),
        'BAD_REQUEST',
        /atomic/,
      );
      await expectCode(fx.store.topicInfo(t), 'NOT_FOUND');
    });
  });
}
