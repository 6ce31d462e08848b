/**
 * Contract cases for `timeline`: a topic's transactions aggregated into time buckets by the
 * backend (model/timeline.ts). Over the whole topic the buckets' counts sum to the topic's
 * transactions and events (markers included); invalidation shows in `invalidated` and
 * `invalidEvents`; the biggest transaction of a bucket is named (the lowest on a tie); `from`, `to`
 * and `buckets` are honoured; bad options are BAD_REQUEST naming the option; an unknown topic has
 * no buckets (as a page of its log would be empty).
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src-core/model/limits';
import type { Timeline, TxnInfo } from '../../../src-core/model/types';
import type { EventStore } from '../../../src-core/store/types';
import { ISO_MS, type StoreFixture, expectCode, freshTopic } from '../harness';

const events = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, data: { i } }));

/** Writes txns of the given sizes (a sleep of a few ms between some, so times differ). */
async function writeSizes(store: EventStore, topic: string, sizes: number[]): Promise<void> {
  for (const [i, n] of sizes.entries()) {
    await store.append(topic, { events: events(n, `k${i}.`) });
    if (i % 3 === 2) await new Promise((r) => setTimeout(r, 3));
  }
}

async function allTxns(store: EventStore, topic: string): Promise<TxnInfo[]> {
  return (await store.listTxns(topic, { limit: LIMITS.pageMax })).txns;
}

function sum(tl: Timeline, f: (b: Timeline['buckets'][number]) => number): number {
  return tl.buckets.reduce((s, b) => s + f(b), 0);
}

/** What a timeline over `[from, to)` must hold, from the transactions themselves. */
function expectedOver(txns: TxnInfo[], from: number, to: number) {
  const inside = txns.filter((t) => Date.parse(t.time) >= from && Date.parse(t.time) < to);
  return {
    txns: inside.length,
    events: inside.reduce((s, t) => s + t.count, 0),
    invalidated: inside.filter((t) => t.invalidatedBy !== null).length,
  };
}

export function timelineCases(fx: StoreFixture): void {
  describe('timeline', () => {
    it('sums to the topic over its whole range, invalidation and markers included', async () => {
      const t = freshTopic();
      await writeSizes(fx.store, t, [2, 1, 3, 40, 1, 2, 5, 1, 1]);
      await fx.store.invalidate(t, 5, 'bad batch');
      const info = await fx.store.topicInfo(t);
      const tl = await fx.store.timeline(t);
      expect(tl.topic).toBe(t);
      expect(tl.buckets.length).toBeGreaterThan(0);
      expect(tl.buckets.length).toBeLessThanOrEqual(LIMITS.timelineBucketsDefault);
      expect(sum(tl, (b) => b.txns)).toBe(info.maxTxn);
      expect(sum(tl, (b) => b.events)).toBe(info.events);
      expect(sum(tl, (b) => b.invalidated)).toBe(1);
      expect(sum(tl, (b) => b.invalidEvents)).toBe(1);
      expect(sum(tl, (b) => b.markers)).toBe(1);
      const txns = await allTxns(fx.store, t);
      expect(tl.from).toBe(txns[0]!.time);
      expect(Date.parse(tl.to!)).toBe(Date.parse(txns[txns.length - 1]!.time) + 1);
      const biggest = tl.buckets.reduce((a, b) => (b.maxEvents > a.maxEvents ? b : a));
      expect([biggest.maxEvents, biggest.maxEventsTxn]).toEqual([40, 4]);
    });

    it('cuts the range into equal buckets in time order, each naming its transactions', async () => {
      const t = freshTopic();
      await writeSizes(fx.store, t, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      const txns = await allTxns(fx.store, t);
      const tl = await fx.store.timeline(t, { buckets: 5 });
      expect(tl.buckets.length).toBeLessThanOrEqual(5);
      const from = Date.parse(tl.from!);
      const to = Date.parse(tl.to!);
      expect(tl.bucketMs).toBe(Math.max(1, Math.ceil((to - from) / 5)));
      let lastEnd = from;
      for (const b of tl.buckets) {
        expect(b.start).toMatch(ISO_MS);
        expect(b.end).toMatch(ISO_MS);
        const start = Date.parse(b.start);
        expect((start - from) % tl.bucketMs!).toBe(0);
        expect(start).toBeGreaterThanOrEqual(lastEnd);
        expect(Date.parse(b.end)).toBe(Math.min(start + tl.bucketMs!, to));
        lastEnd = Date.parse(b.end);
        const mine = txns.filter((x) => Date.parse(x.time) >= start && Date.parse(x.time) < Date.parse(b.end));
        expect(b.txns).toBe(mine.length);
        expect(b.events).toBe(mine.reduce((s, x) => s + x.count, 0));
        expect([b.firstTxn, b.lastTxn]).toEqual([mine[0]!.txn, mine[mine.length - 1]!.txn]);
        const max = Math.max(...mine.map((x) => x.count));
        expect([b.maxEvents, b.maxEventsTxn]).toEqual([max, mine.find((x) => x.count === max)!.txn]);
      }
      expect(sum(tl, (b) => b.txns)).toBe(12);
    });

    it('names the lowest of equally big transactions, and one bucket holds everything', async () => {
      const t = freshTopic();
      await writeSizes(fx.store, t, [1, 4, 2, 4, 4, 1]);
      const tl = await fx.store.timeline(t, { buckets: 1 });
      expect(tl.buckets).toHaveLength(1);
      expect(tl.buckets[0]).toMatchObject({
        start: tl.from,
        end: tl.to,
        txns: 6,
        events: 16,
        invalidated: 0,
        invalidEvents: 0,
        markers: 0,
        firstTxn: 1,
        lastTxn: 6,
        maxEvents: 4,
        maxEventsTxn: 2,
      });
    });

    it('honours from (inclusive) and to (exclusive)', async () => {
      const t = freshTopic();
      await writeSizes(fx.store, t, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      await fx.store.invalidate(t, 4, 'x');
      const txns = await allTxns(fx.store, t);
      const from = Date.parse(txns[3]!.time);
      const to = Date.parse(txns[6]!.time);
      const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
      if (from < to) {
        const tl = await fx.store.timeline(t, range);
        expect([tl.from, tl.to]).toEqual([range.from, range.to]);
        const want = expectedOver(txns, from, to);
        expect(sum(tl, (b) => b.txns)).toBe(want.txns);
        expect(sum(tl, (b) => b.events)).toBe(want.events);
        expect(sum(tl, (b) => b.invalidated)).toBe(want.invalidated);
      }
      // One millisecond: exactly the transactions committed in it.
      const one = { from: txns[3]!.time, to: new Date(from + 1).toISOString() };
      const tl1 = await fx.store.timeline(t, one);
      expect(tl1.bucketMs).toBe(1);
      const want1 = expectedOver(txns, from, from + 1);
      expect(tl1.buckets.map((b) => [b.start, b.txns, b.events])).toEqual([[one.from, want1.txns, want1.events]]);
      // Only from: up to just after the last transaction.
      const tlFrom = await fx.store.timeline(t, { from: range.from });
      expect(Date.parse(tlFrom.to!)).toBe(Date.parse(txns[txns.length - 1]!.time) + 1);
      expect(sum(tlFrom, (b) => b.txns)).toBe(expectedOver(txns, from, Infinity).txns);
      // A range before the topic: no buckets.
      const before = await fx.store.timeline(t, { from: '2000-01-01T00:00:00.000Z', to: '2000-01-02T00:00:00Z' });
      expect(before).toEqual({
        topic: t,
        from: '2000-01-01T00:00:00.000Z',
        to: '2000-01-02T00:00:00.000Z',
        bucketMs: Math.ceil(86_400_000 / LIMITS.timelineBucketsDefault),
        buckets: [],
      });
    });

    it('an unknown topic has no buckets; with a range, the range is echoed', async () => {
      const t = freshTopic();
      expect(await fx.store.timeline(t)).toEqual({ topic: t, from: null, to: null, bucketMs: null, buckets: [] });
      const tl = await fx.store.timeline(t, { from: '2026-01-01T00:00Z', to: '2026-01-01T02:00+01:00', buckets: 10 });
      expect(tl).toEqual({
        topic: t,
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-01-01T01:00:00.000Z',
        bucketMs: 360_000,
        buckets: [],
      });
    });

    it('refuses bad options with BAD_REQUEST naming them', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      await expectCode(fx.store.timeline(t, { buckets: 0 }), 'BAD_REQUEST', /buckets/);
      await expectCode(fx.store.timeline(t, { buckets: LIMITS.timelineBucketsMax + 1 }), 'BAD_REQUEST', /buckets/);
      await expectCode(fx.store.timeline(t, { buckets: 1.5 }), 'BAD_REQUEST', /buckets/);
      await expectCode(fx.store.timeline(t, { from: 'yesterday' }), 'BAD_REQUEST', /^from: /);
      await expectCode(fx.store.timeline(t, { to: '2026-01-01' }), 'BAD_REQUEST', /^to: /);
      await expectCode(fx.store.timeline(t, { from: '2026-02-30T00:00:00Z' }), 'BAD_REQUEST', /^from: /);
      await expectCode(
        fx.store.timeline(t, { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
        'BAD_REQUEST',
        /^from: must be before to/,
      );
      await expectCode(
        fx.store.timeline(t, { nope: 1 } as unknown as Parameters<EventStore['timeline']>[1]),
        'BAD_REQUEST',
        /nope/,
      );
      await expectCode(fx.store.timeline('bad name!'), 'BAD_REQUEST', /topic/);
    });
  });
}
