/**
 * Contract cases for the hash chain (docs/integrity.md): every transaction, invalidation markers
 * included, has a `chain` of 64 lowercase hex digits that recomputes from the previous one (64 zeros
 * before transaction 1) and the transaction as read, through the one layout (store/chain.ts); the
 * topic's `head` is the last chain; a transaction made only of duplicates gets no number and so no
 * chain; dry runs and failed atomic batches leave the head where it was, and the next commit chains
 * on from it; atomic batches chain each of their transactions in order. Over HTTP the client
 * carries the server's chains (`by` is then the server's to set, so the cases send none).
 */
import { describe, expect, it } from 'vitest';
import { GENESIS } from '../../../src-core/store/chain';
import { type StoreFixture, freshTopic } from '../harness';
import { expectChainHolds } from '../oracle';

export function chainCases(fx: StoreFixture): void {
  /** `{by}` for embedded stores; over HTTP the server sets `by` (null without tokens) and refuses it. */
  const by = (name: string): { by?: string } => (fx.store.kind === 'http' ? {} : { by: name });
  describe('hash chain', () => {
    it('chains every transaction, markers, meta and by included; head is the last chain', async () => {
      const t = freshTopic();
      await fx.store.append(t, {
        events: [
          {
            key: 'ä/ключ',
            data: { n: [9007199254740991, 0.1, -0, 1.5e-7, 2.5e-300, -12.75], s: 'q"\\é😀', deep: { b: 1, a: [null] } },
          },
          { key: 'b', data: 'text', contentType: 'text/plain' },
        ],
        meta: { job: 'load', n: 3 },
        ...by('loader'),
      });
      await fx.store.append(t, { events: [{ key: 'b', data: null }] });
      await fx.store.invalidate(t, 2, 'wrong tombstone', by('auditor'));
      await fx.store.append(t, { events: [{ key: 'c', data: 1, hash: 'ab'.repeat(32) }] });
      const txns = (await fx.store.listTxns(t)).txns;
      expect(txns.map((x) => x.txn)).toEqual([1, 2, 3, 4]);
      expect(txns[2]!.marker).toBe(true);
      for (const x of txns) expect(x.chain).toMatch(/^[0-9a-f]{64}$/);
      expect(new Set(txns.map((x) => x.chain)).size).toBe(4);
      expect((await fx.store.topicInfo(t)).head).toBe(txns[3]!.chain);
      expect((await fx.store.getTxn(t, 3)).chain).toBe(txns[2]!.chain);
      await expectChainHolds(fx.store, t);
    });

    it('gives a transaction of duplicates only no number and no chain', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      const head = (await fx.store.topicInfo(t)).head;
      expect(await fx.store.append(t, { events: [{ key: 'a', data: 1 }] })).toMatchObject({ txn: null });
      expect((await fx.store.topicInfo(t)).head).toBe(head);
      await fx.store.append(t, {
        events: [
          { key: 'a', data: 1 },
          { key: 'b', data: 2 },
        ],
      });
      const txns = (await fx.store.listTxns(t)).txns;
      expect(txns).toHaveLength(2);
      expect(txns[1]!.count).toBe(1);
      await expectChainHolds(fx.store, t);
    });

    it('the first chain follows 64 zeros; a new topic starts its own chain', async () => {
      const t = freshTopic();
      const u = freshTopic();
      await fx.store.appendBatch([
        { topic: t, events: [{ key: 'a', data: 1 }] },
        { topic: u, events: [{ key: 'a', data: 1 }] },
      ]);
      // Same content, different commit times possibly, but each recomputes from GENESIS.
      await expectChainHolds(fx.store, t);
      await expectChainHolds(fx.store, u);
      expect(GENESIS).toBe('0'.repeat(64));
    });

    it('a dry run and a failed atomic batch leave the head; the next commits chain on from it', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      const head = (await fx.store.topicInfo(t)).head;
      await fx.store.append(t, { events: [{ key: 'a', data: 2 }] }, { dryRun: true });
      await fx.store.appendBatch([{ topic: t, events: [{ key: 'b', data: 2 }] }], { dryRun: true, atomic: true });
      const failed = await fx.store.appendBatch(
        [
          { topic: t, events: [{ key: 'c', data: 3 }] },
          { topic: t, events: [{ key: 'd', data: 4 }], expectMaxSeq: 99 },
        ],
        { atomic: true },
      );
      expect(failed.error).toMatchObject({ code: 'CONFLICT' });
      expect((await fx.store.topicInfo(t)).head).toBe(head);
      const ok = await fx.store.appendBatch(
        [
          { topic: t, events: [{ key: 'c', data: 3 }], meta: { step: 1 } },
          { topic: t, events: [{ key: 'd', data: 4 }], ...by('batcher') },
          { topic: t, events: [{ key: 'e', data: 5 }] },
        ],
        { atomic: true },
      );
      expect(ok.results.map((r) => r.txn)).toEqual([2, 3, 4]);
      const txns = (await fx.store.listTxns(t)).txns;
      expect(txns[0]!.chain).toBe(head);
      expect((await fx.store.topicInfo(t)).head).toBe(txns[3]!.chain);
      await expectChainHolds(fx.store, t);
    });
  });
}
