/**
 * Contract cases for verify (docs/integrity.md), on every backend through `EventStore.verify`: a
 * clean store verifies ok with its counts and its head equal to topicInfo.head, markers, meta, by,
 * tombstones and writer-supplied hashes included; progress is reported and ends at the total;
 * `expectHead` passes when the chain is any of the log's and fails as `anchor` (txn null) when it
 * is none; a malformed expectHead and an unknown topic are refused; an aborted signal cancels.
 * Tampering underneath the store is test/integrity/verify-tamper-*.int.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import type { VerifyProgress } from '../../../src-core/model/integrity';
import { type StoreFixture, freshTopic } from '../harness';

export function verifyCases(fx: StoreFixture): void {
  const by = (name: string): { by?: string } => (fx.store.kind === 'http' ? {} : { by: name });

  async function history(): Promise<string> {
    const t = freshTopic();
    await fx.store.append(t, {
      events: [
        { key: 'a', data: { n: [1, 2.5, -0], s: 'é😀' } },
        { key: 'b', data: 'text', contentType: 'text/plain' },
      ],
      meta: { job: 'load' },
      ...by('loader'),
    });
    await fx.store.append(t, { events: [{ key: 'b', data: null }] });
    await fx.store.append(t, { events: [{ key: 'c', data: 1, hash: 'ab'.repeat(32) }] });
    await fx.store.invalidate(t, 2, 'wrong tombstone', by('auditor'));
    await fx.store.append(t, { events: [{ key: 'a', data: 2 }] });
    return t;
  }

  describe('verify', () => {
    it('verifies a clean topic: counts, head equal to topicInfo.head, markers included', async () => {
      const t = await history();
      const progress: VerifyProgress[] = [];
      const r = await fx.store.verify(t, { onProgress: (p) => progress.push(p) });
      const info = await fx.store.topicInfo(t);
      expect(r).toMatchObject({ ok: true, txns: 5, events: 6, firstBad: null, legacy: [], legacyCut: false });
      expect(r.head).toBe(info.head);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress[progress.length - 1]).toEqual({ txns: 5, events: 6, totalTxns: 5 });
    });

    it('passes with an anchor that is any of the chains, fails as anchor with one that is none', async () => {
      const t = await history();
      const txns = (await fx.store.listTxns(t)).txns;
      expect((await fx.store.verify(t, { expectHead: txns[1]!.chain })).ok).toBe(true);
      expect((await fx.store.verify(t, { expectHead: txns[4]!.chain })).ok).toBe(true);
      const r = await fx.store.verify(t, { expectHead: 'f'.repeat(64) });
      expect(r.ok).toBe(false);
      expect(r.firstBad).toMatchObject({ txn: null, what: 'anchor' });
      expect(r.firstBad!.message).toContain('ffffffffffff');
      expect(r.txns).toBe(5);
    });

    it('refuses a malformed expectHead and an unknown topic', async () => {
      const t = await history();
      await expect(fx.store.verify(t, { expectHead: 'F'.repeat(64) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(fx.store.verify(t, { expectHead: 'ab' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(fx.store.verify(freshTopic())).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(fx.store.verify('bad topic')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });

    it('verifies a topic that only ever had one transaction, and one re-verified after more writes', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'k', data: 0 }] });
      const first = await fx.store.verify(t);
      expect(first).toMatchObject({ ok: true, txns: 1, events: 1 });
      await fx.store.append(t, { events: [{ key: 'k', data: 1 }] });
      const second = await fx.store.verify(t, { expectHead: first.head! });
      expect(second).toMatchObject({ ok: true, txns: 2, events: 2 });
      expect(second.head).toBe((await fx.store.topicInfo(t)).head);
    });

    it('verifies one consistent state while writes land', async () => {
      const t = await history();
      const before = (await fx.store.topicInfo(t)).maxTxn;
      const writes = Array.from({ length: 20 }, (_, i) => fx.store.append(t, { events: [{ key: `w${i}`, data: i }] }));
      const r = await fx.store.verify(t);
      await Promise.all(writes);
      expect(r.ok).toBe(true);
      expect(r.txns).toBeGreaterThanOrEqual(before);
      expect(r.txns).toBeLessThanOrEqual(before + 20);
      const txns = (await fx.store.listTxns(t, { limit: 100 })).txns;
      expect(r.head).toBe(txns[r.txns - 1]!.chain);
      expect(await fx.store.verify(t)).toMatchObject({ ok: true, txns: before + 20 });
    });

    it('is cancelled by an aborted signal', async () => {
      const t = await history();
      const c = new AbortController();
      c.abort();
      await expect(fx.store.verify(t, { signal: c.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    });
  });
}
