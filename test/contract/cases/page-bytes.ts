/**
 * Contract cases for pages cut by their data's bytes (`LIMITS.pageDataBytesMax`, 16 MiB;
 * src-core/store/page-cut.ts): a page of events or surface rows stops once the data it holds
 * reaches the bound, the row that reaches it being its last, and `next` then names that row, in
 * both orders, in both views, as of a past transaction, and in a live tail. The bound is the real
 * one, so these cases write 16 MiB of data and more; two values of exactly 8 MiB (one of them
 * two-byte characters, so the count is in UTF-8 bytes, not characters) reach it exactly.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src-core/model/limits';
import type { StoredEvent } from '../../../src-core/model/types';
import { type StoreFixture, freshTopic, waitFor } from '../harness';

const HALF = LIMITS.pageDataBytesMax / 2;
/** JSON strings of exactly HALF bytes as UTF-8 text, quotes included: one ASCII, one of 'é' (2 bytes each). */
const ASCII_HALF = 'x'.repeat(HALF - 2);
const WIDE_HALF = 'é'.repeat((HALF - 2) / 2);

/** a, b: exactly half the bound each (one transaction each: a write's body stays under 16 MiB); c, d: small. */
async function seed(fx: StoreFixture): Promise<string> {
  const t = freshTopic();
  await fx.store.append(t, { events: [{ key: 'a', data: ASCII_HALF }] });
  await fx.store.append(t, { events: [{ key: 'b', data: WIDE_HALF }] });
  await fx.store.append(t, {
    events: [
      { key: 'c', data: 'c1' },
      { key: 'd', data: 'd1' },
    ],
  });
  return t;
}

const seqs = (events: StoredEvent[]): number[] => events.map((e) => e.seq);

export function pageBytesCases(fx: StoreFixture): void {
  describe('pages cut by their data bytes', () => {
    it('ends an events page at the row whose data reaches the bound, in both orders', async () => {
      const t = await seed(fx);
      const p1 = await fx.store.readEvents(t, { limit: 10 });
      expect(seqs(p1.events)).toEqual([1, 2]);
      expect(p1.next).toBe(2);
      expect(p1.events[1]!.data).toBe(WIDE_HALF);
      const p2 = await fx.store.readEvents(t, { after: 2, limit: 10 });
      expect(seqs(p2.events)).toEqual([3, 4]);
      expect(p2.next).toBeNull();
      // Newest first: the small ones do not reach it, so the page takes one large one and then the other.
      const d1 = await fx.store.readEvents(t, { order: 'desc', limit: 10 });
      expect(seqs(d1.events)).toEqual([4, 3, 2, 1]);
      expect(d1.next).toBeNull();
      // `limit` still ends a page first when it comes first.
      const one = await fx.store.readEvents(t, { limit: 1 });
      expect([seqs(one.events), one.next]).toEqual([[1], 1]);
    });

    it('takes a row whose data before it is one byte under the bound, with a key filter too', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: ASCII_HALF }] });
      await fx.store.append(t, { events: [{ key: 'a', data: ASCII_HALF.slice(1) }] });
      await fx.store.append(t, { events: [{ key: 'a', data: WIDE_HALF }] });
      await fx.store.append(t, { events: [{ key: 'a', data: 'small' }] });
      // Before event 3: 16 MiB - 1 byte, under the bound: taken, and it reaches the bound.
      const p1 = await fx.store.readEvents(t, { key: 'a', limit: 10 });
      expect(seqs(p1.events)).toEqual([1, 2, 3]);
      expect(p1.next).toBe(3);
      const p2 = await fx.store.readEvents(t, { key: 'a', after: 3, limit: 10 });
      expect(seqs(p2.events)).toEqual([4]);
      expect(p2.next).toBeNull();
    });

    it('ends a surface page the same way, in both views and as of a past transaction', async () => {
      const t = await seed(fx);
      for (const view of ['valid', 'raw'] as const) {
        const p1 = await fx.store.surface(t, { view, limit: 10 });
        expect(p1.rows.map((r) => r.key)).toEqual(['a', 'b']);
        expect(p1.next).toBe('b');
        const p2 = await fx.store.surface(t, { view, after: 'b', limit: 10 });
        expect(p2.rows.map((r) => r.key)).toEqual(['c', 'd']);
        expect(p2.next).toBeNull();
      }
      await fx.store.append(t, { events: [{ key: 'e', data: 'e1' }] });
      const past = await fx.store.surface(t, { asOfTxn: 3, limit: 10 });
      expect(past.rows.map((r) => r.key)).toEqual(['a', 'b']);
      expect(past.next).toBe('b');
      const rest = await fx.store.surface(t, { asOfTxn: 3, after: 'b', limit: 10 });
      expect(rest.rows.map((r) => r.key)).toEqual(['c', 'd']);
      expect(rest.next).toBeNull();
    });

    it('delivers every event to a live tail across pages cut by bytes', async () => {
      const t = await seed(fx);
      const seen: number[] = [];
      const stop = fx.store.tail(t, 0, (events) => seen.push(...seqs(events)), { pollMs: 20 });
      try {
        await waitFor(() => expect(seen).toEqual([1, 2, 3, 4]), 20_000);
      } finally {
        stop();
      }
    });
  });
}
