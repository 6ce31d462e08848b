/**
 * Contract cases for "who and why": a write's `meta` (a JSON object of at most 4 KiB as canonical
 * JSON, stored with the transaction and read back on `TxnInfo`, null when absent and on markers)
 * and `by` (who wrote or invalidated, null by default). Embedded stores take `by` from the caller;
 * the HTTP client refuses it (the server sets it from the token's name, null on a server without
 * tokens, as here). Every refusal names the field and writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src-core/model/limits';
import { type StoreFixture, expectCode, freshTopic } from '../harness';

/** A meta object whose canonical JSON `{"n":"xx…"}` is exactly `bytes` bytes long. */
function metaOfBytes(bytes: number): { n: string } {
  return { n: 'x'.repeat(bytes - '{"n":""}'.length) };
}

export function whoCases(fx: StoreFixture): void {
  describe('who and why (meta, by)', () => {
    it('stores meta with the transaction and reads it back; null when absent', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }], meta: { z: [1, { b: 2, a: 'é' }], a: null } });
      await fx.store.append(t, { events: [{ key: 'b', data: 1 }] });
      await fx.store.append(t, { events: [{ key: 'c', data: 1 }], meta: null });
      const one = await fx.store.getTxn(t, 1);
      expect(one.meta).toEqual({ a: null, z: [1, { a: 'é', b: 2 }] });
      expect(Object.keys(one.meta!)).toEqual(['a', 'z']);
      expect(one.by).toBeNull();
      const page = await fx.store.listTxns(t);
      expect(page.txns.map((x) => [x.meta, x.by])).toEqual([
        [{ a: null, z: [1, { a: 'é', b: 2 }] }, null],
        [null, null],
        [null, null],
      ]);
    });

    it('stores meta in a batch per transaction', async () => {
      const t = freshTopic();
      const r = await fx.store.appendBatch([
        { topic: t, events: [{ key: 'a', data: 1 }], meta: { n: 1 } },
        { topic: t, events: [{ key: 'b', data: 1 }] },
      ]);
      expect(r.error).toBeNull();
      const page = await fx.store.listTxns(t);
      expect(page.txns.map((x) => x.meta)).toEqual([{ n: 1 }, null]);
    });

    it('accepts meta of exactly the limit and refuses one byte more, naming meta', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }], meta: metaOfBytes(LIMITS.metaBytesMax) });
      expect((await fx.store.getTxn(t, 1)).meta).toEqual(metaOfBytes(LIMITS.metaBytesMax));
      await expectCode(
        fx.store.append(t, { events: [{ key: 'b', data: 1 }], meta: metaOfBytes(LIMITS.metaBytesMax + 1) }),
        'BAD_REQUEST',
        /^meta: is 4097 bytes as canonical JSON; at most 4096 are allowed/,
      );
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(1);
    });

    it('counts meta in UTF-8 bytes of its canonical JSON', async () => {
      const t = freshTopic();
      // 2048 two-byte characters: 4096 bytes of text, over the limit with the braces around it.
      await expectCode(
        fx.store.append(t, { events: [{ key: 'a', data: 1 }], meta: { n: 'é'.repeat(2048) } }),
        'BAD_REQUEST',
        /^meta: is 4104 bytes/,
      );
      await expect(fx.store.listTopics()).resolves.toEqual([]);
    });

    it('refuses meta that is not a JSON object, naming it, and writes nothing', async () => {
      const t = freshTopic();
      for (const meta of [[1], 'note', 5, true]) {
        await expectCode(
          fx.store.append(t, { events: [{ key: 'a', data: 1 }], meta: meta as never }),
          'BAD_REQUEST',
          /^meta: must be a JSON object/,
        );
      }
      await expectCode(
        fx.store.append(t, { events: [{ key: 'a', data: 1 }], meta: { bad: 'a\u0000b' } }),
        'BAD_REQUEST',
        /^meta/,
      );
      await expect(fx.store.listTopics()).resolves.toEqual([]);
    });

    it('a batch stops at the transaction whose meta is refused', async () => {
      const t = freshTopic();
      const r = await fx.store.appendBatch([
        { topic: t, events: [{ key: 'a', data: 1 }] },
        { topic: t, events: [{ key: 'b', data: 1 }], meta: metaOfBytes(LIMITS.metaBytesMax + 1) },
        { topic: t, events: [{ key: 'c', data: 1 }] },
      ]);
      expect(r.results).toHaveLength(1);
      expect(r.error).toMatchObject({ index: 1, code: 'BAD_REQUEST' });
      expect(r.error!.message).toMatch(/^txns\[1\]\.meta: is 4097 bytes/);
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(1);
    });

    it('an all-duplicate write with meta stores nothing', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }], meta: { n: 1 } });
      const r = await fx.store.append(t, { events: [{ key: 'a', data: 1 }], meta: { n: 2 } });
      expect(r.txn).toBeNull();
      expect((await fx.store.listTxns(t)).txns.map((x) => x.meta)).toEqual([{ n: 1 }]);
    });

    it('by: embedded callers name the writer and the invalidator; the HTTP client may not', async () => {
      const t = freshTopic();
      if (fx.store.kind === 'http') {
        await expectCode(fx.store.append(t, { events: [{ key: 'a', data: 1 }], by: 'ann' }), 'BAD_REQUEST', /^by: /);
        const b = await fx.store.appendBatch([{ topic: t, events: [{ key: 'a', data: 1 }], by: 'ann' }]);
        expect(b).toMatchObject({ results: [], error: { index: 0, code: 'BAD_REQUEST' } });
        expect(b.error!.message).toMatch(/^txns\[0\]\.by: /);
        await expect(fx.store.listTopics()).resolves.toEqual([]);
        await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
        await expectCode(fx.store.invalidate(t, 1, 'bad', { by: 'bob' }), 'BAD_REQUEST', /^by: /);
        expect((await fx.store.getTxn(t, 1)).invalidatedBy).toBeNull();
        await fx.store.invalidate(t, 1, 'bad');
        expect((await fx.store.listTxns(t)).txns.map((x) => x.by)).toEqual([null, null]);
        return;
      }
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }], by: 'ann', meta: { why: 'fix' } });
      await fx.store.appendBatch([{ topic: t, events: [{ key: 'b', data: 1 }], by: 'cat' }]);
      await fx.store.append(t, { events: [{ key: 'c', data: 1 }], by: null });
      await fx.store.invalidate(t, 1, 'wrong feed', { by: 'bob' });
      await fx.store.invalidate(t, 2, 'also wrong');
      const txns = (await fx.store.listTxns(t)).txns;
      expect(txns.map((x) => [x.txn, x.by, x.meta, x.marker ?? false])).toEqual([
        [1, 'ann', { why: 'fix' }, false],
        [2, 'cat', null, false],
        [3, null, null, false],
        [4, 'bob', null, true],
        [5, null, null, true],
      ]);
      expect(await fx.store.getTxn(t, 1)).toMatchObject({ by: 'ann', reason: 'wrong feed', invalidatedBy: 4 });
    });

    it('a dry run answers exactly what the write returns, duplicates flagged, and writes nothing', async () => {
      const t = freshTopic();
      const first = { events: [{ key: 'a', data: 1 }] };
      expect(await fx.store.append(t, first, { dryRun: true })).toEqual({
        txn: 1,
        results: [{ seq: 1, txn: 1, duplicate: false }],
      });
      await expect(fx.store.listTopics()).resolves.toEqual([]);
      await fx.store.append(t, first);
      const next = {
        events: [
          { key: 'a', data: 1 },
          { key: 'b', data: 2 },
          { key: 'b', data: 2 },
        ],
        meta: { note: 'x' },
        expectMaxSeq: 1,
      };
      const dry = await fx.store.append(t, next, { dryRun: true });
      expect(dry).toEqual({
        txn: 2,
        results: [
          { seq: 1, txn: 1, duplicate: true },
          { seq: 2, txn: 2, duplicate: false },
          { seq: 2, txn: 2, duplicate: true },
        ],
      });
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(1);
      expect(await fx.store.append(t, { events: [{ key: 'a', data: 1 }] }, { dryRun: true })).toEqual({
        txn: null,
        results: [{ seq: 1, txn: 1, duplicate: true }],
      });
      await expectCode(fx.store.append(t, { ...next, expectMaxSeq: 0 }, { dryRun: true }), 'CONFLICT');
      await expectCode(
        fx.store.append(t, { events: [{ key: '', data: 1 }] }, { dryRun: true }),
        'BAD_REQUEST',
        /events\[0\]\.key/,
      );
      expect(await fx.store.append(t, next, { dryRun: false })).toEqual(dry);
      expect((await fx.store.getTxn(t, 2)).meta).toEqual({ note: 'x' });
    });

    it('listTxns filters by by, paging through the matches only', async () => {
      const t = freshTopic();
      await expectCode(fx.store.listTxns(t, { by: '' }), 'BAD_REQUEST', /^by: /);
      if (fx.store.kind === 'http') {
        // A server without tokens records null: no name matches.
        await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
        expect(await fx.store.listTxns(t, { by: 'ann' })).toEqual({ txns: [], next: null });
        return;
      }
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }], by: 'ann' });
      await fx.store.append(t, { events: [{ key: 'b', data: 1 }], by: 'bob' });
      await fx.store.append(t, { events: [{ key: 'c', data: 1 }] });
      await fx.store.append(t, { events: [{ key: 'd', data: 1 }], by: 'ann' });
      await fx.store.invalidate(t, 2, 'r', { by: 'ann' });
      const all = await fx.store.listTxns(t, { by: 'ann' });
      expect(all.txns.map((x) => x.txn)).toEqual([1, 4, 5]);
      const first = await fx.store.listTxns(t, { by: 'ann', order: 'desc', limit: 2 });
      expect(first.txns.map((x) => x.txn)).toEqual([5, 4]);
      expect(first.next).toBe(4);
      const rest = await fx.store.listTxns(t, { by: 'ann', order: 'desc', limit: 2, before: first.next! });
      expect(rest).toMatchObject({ txns: [{ txn: 1 }], next: null });
      expect((await fx.store.listTxns(t, { by: 'bob', after: 1 })).txns.map((x) => x.txn)).toEqual([2]);
      expect((await fx.store.listTxns(t, { by: 'nobody' })).txns).toEqual([]);
    });

    it('refuses a bad by, naming it, and writes nothing', async () => {
      if (fx.store.kind === 'http') return; // refused whatever its value (case above)
      const t = freshTopic();
      for (const by of ['', 'x'.repeat(LIMITS.byMax + 1), 5, 'a\u0000b']) {
        await expectCode(
          fx.store.append(t, { events: [{ key: 'a', data: 1 }], by: by as never }),
          'BAD_REQUEST',
          /^by: /,
        );
      }
      await expect(fx.store.listTopics()).resolves.toEqual([]);
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }], by: 'x'.repeat(LIMITS.byMax) });
      await expectCode(fx.store.invalidate(t, 1, 'r', { by: '' }), 'BAD_REQUEST', /^by: /);
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(1);
    });
  });
}
