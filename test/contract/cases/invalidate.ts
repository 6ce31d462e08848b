/**
 * Contract cases for invalidation: the marker event (own seq and txn, key `$invalidate`, data null,
 * target, reason), the target's TxnInfo and events flagged, the surface falling back to the newest
 * valid event per key, counters, NOT_FOUND / BAD_REQUEST / duplicate answers, and re-sending
 * invalidated content being stored again as a correction.
 */
import { describe, expect, it } from 'vitest';
import { INVALIDATE_KEY } from '../../../src-core/model/limits';
import { type StoreFixture, expectCode, freshTopic, readAll, surfaceAll } from '../harness';

export function invalidateCases(fx: StoreFixture): void {
  describe('invalidate', () => {
    it('appends a marker with its own seq and txn and flags the target', async () => {
      const t = freshTopic();
      await fx.store.append(t, {
        events: [
          { key: 'a', data: 1 },
          { key: 'b', data: 1 },
        ],
      });
      await fx.store.append(t, {
        events: [
          { key: 'a', data: 2 },
          { key: 'c', data: 2 },
        ],
      });
      const r = await fx.store.invalidate(t, 2, 'bad feed');
      expect(r).toEqual({ seq: 5, txn: 3, target: 2, duplicate: false });
      const events = await readAll(fx.store, t);
      expect(events[4]).toMatchObject({
        topic: t,
        seq: 5,
        txn: 3,
        key: INVALIDATE_KEY,
        type: 'invalidate',
        data: null,
        target: 2,
        reason: 'bad feed',
      });
      expect(events[4]!.invalid).toBeUndefined();
      expect(events.map((e) => e.invalid ?? false)).toEqual([false, false, true, true, false]);
      const txn2 = await fx.store.getTxn(t, 2);
      expect(txn2).toMatchObject({ invalidatedBy: 5, reason: 'bad feed' });
      expect(txn2.events.every((e) => e.invalid === true)).toBe(true);
      const marker = await fx.store.getTxn(t, 3);
      expect(marker).toMatchObject({ txn: 3, firstSeq: 5, lastSeq: 5, count: 1, invalidatedBy: null });
      expect(marker.events[0]!.type).toBe('invalidate');
      expect(await fx.store.topicInfo(t)).toMatchObject({
        events: 5,
        maxSeq: 5,
        maxTxn: 3,
        invalidTxns: 1,
        keys: 2,
      });
      const surface = await surfaceAll(fx.store, t);
      expect(surface.map((row) => [row.key, row.data, row.seq])).toEqual([
        ['a', 1, 1],
        ['b', 1, 2],
      ]);
      const raw = await surfaceAll(fx.store, t, { view: 'raw' });
      expect(raw.map((row) => [row.key, row.data, row.invalid ?? false])).toEqual([
        ['a', 2, true],
        ['b', 1, false],
        ['c', 2, true],
      ]);
    });

    it('answers NOT_FOUND, BAD_REQUEST for a marker target, and the marker again for a repeat', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      await expectCode(fx.store.invalidate(t, 2, 'x'), 'NOT_FOUND');
      await expectCode(fx.store.invalidate(freshTopic(), 1, 'x'), 'NOT_FOUND');
      const first = await fx.store.invalidate(t, 1, 'first');
      await expectCode(fx.store.invalidate(t, first.txn, 'x'), 'BAD_REQUEST', /txn/);
      const again = await fx.store.invalidate(t, 1, 'second reason');
      expect(again).toEqual({ ...first, duplicate: true });
      expect((await fx.store.getTxn(t, 1)).reason).toBe('first');
      expect(await fx.store.topicInfo(t)).toMatchObject({ maxSeq: 2, maxTxn: 2, invalidTxns: 1, keys: 0 });
    });

    it('validates the reason and the txn', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      await expectCode(fx.store.invalidate(t, 1, ''), 'BAD_REQUEST', /reason/);
      await expectCode(fx.store.invalidate(t, 1, 'r'.repeat(1001)), 'BAD_REQUEST', /reason/);
      await expectCode(fx.store.invalidate(t, 0, 'x'), 'BAD_REQUEST', /txn/);
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(1);
      expect((await fx.store.invalidate(t, 1, 'r'.repeat(1000))).duplicate).toBe(false);
    });

    it('stores re-sent invalidated content again, as a correction', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 'A' }] });
      await fx.store.append(t, { events: [{ key: 'a', data: 'B' }] });
      await fx.store.invalidate(t, 2, 'wrong');
      // The newest valid event is A again, so A is a duplicate of seq 1 ...
      const a = await fx.store.append(t, { events: [{ key: 'a', data: 'A' }] });
      expect(a).toEqual({ txn: null, results: [{ seq: 1, txn: 1, duplicate: true }] });
      // ... and B is stored anew.
      const b = await fx.store.append(t, { events: [{ key: 'a', data: 'B' }] });
      expect(b).toEqual({ txn: 4, results: [{ seq: 4, txn: 4, duplicate: false }] });
      expect((await surfaceAll(fx.store, t)).map((r) => [r.key, r.data, r.seq])).toEqual([['a', 'B', 4]]);
    });

    it('leaves keys overwritten later alone, and brings back keys it had tombstoned', async () => {
      const t = freshTopic();
      await fx.store.append(t, {
        events: [
          { key: 'a', data: 1 },
          { key: 'b', data: 1 },
        ],
      });
      await fx.store.append(t, {
        events: [
          { key: 'a', data: 2 },
          { key: 'b', data: null },
          { key: 'n', data: 9 },
        ],
      });
      await fx.store.append(t, { events: [{ key: 'a', data: 3 }] });
      expect((await fx.store.topicInfo(t)).keys).toBe(2);
      await fx.store.invalidate(t, 2, 'undo');
      const rows = await surfaceAll(fx.store, t);
      expect(rows.map((r) => [r.key, r.data])).toEqual([
        ['a', 3],
        ['b', 1],
      ]);
      expect((await fx.store.topicInfo(t)).keys).toBe(2);
      // Invalidating the newest write of `a` falls back past the invalid txn 2 to txn 1.
      await fx.store.invalidate(t, 3, 'undo too');
      expect((await surfaceAll(fx.store, t)).map((r) => [r.key, r.data])).toEqual([
        ['a', 1],
        ['b', 1],
      ]);
      expect((await fx.store.topicInfo(t)).invalidTxns).toBe(2);
    });
  });
}
