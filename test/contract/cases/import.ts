/**
 * Contract cases for `importTxns` (API.md "Integrity", docs/operations.md): a log read from a
 * memory store (meta, by, tombstones, content types, a supplied hash, markers) imports into an
 * empty topic of the backend under test and reads back identical (every event, every TxnInfo, the
 * surface in both views, the counters); a transaction repeating a key's content is stored, not
 * de-duplicated; refusals (a chain that does not match, changed data, numbers that do not follow,
 * a malformed field, a marker claim that contradicts its marker, a target that is not empty)
 * answer `{imported, head, error}` and leave the target as it was; an import cut part-way resumes
 * from the target's head.
 */
import { describe, expect, it } from 'vitest';
import type { ImportTxn } from '../../../src-core/model/integrity';
import type { StoredEvent } from '../../../src-core/model/types';
import { readImportTxns } from '../../../src-core/services/txn-reader';
import { GENESIS, chainOfRead } from '../../../src-core/store/chain';
import { openMemoryStore } from '../../../src-core/store/memory/index';
import type { EventStore } from '../../../src-core/store/types';
import { type StoreFixture, freshTopic, readAll, surfaceAll } from '../harness';
import { expectChainHolds } from '../oracle';

/** A source log of every kind of transaction, in a memory store; its units as read. */
async function sourceLog(topic: string): Promise<{ source: EventStore; units: ImportTxn[] }> {
  const source = openMemoryStore();
  await source.append(topic, {
    events: [
      { key: 'a', data: { n: 1, s: 'é😀' } },
      { key: 'b', data: 'text', contentType: 'text/plain' },
    ],
    meta: { job: 'load', n: 1 },
    by: 'loader',
  });
  await source.append(topic, { events: [{ key: 'b', data: null }], by: 'cleaner' });
  await source.append(topic, { events: [{ key: 'c', data: [1, 2], hash: 'ab'.repeat(32) }] });
  await source.invalidate(topic, 2, 'wrong tombstone', { by: 'auditor' });
  await source.append(topic, {
    events: [
      { key: 'a', data: 2 },
      { key: 'd', data: true },
    ],
  });
  await source.invalidate(topic, 5, 'bad load');
  await source.append(topic, { events: [{ key: 'a', data: 3 }], meta: { note: 'fix' } });
  const units: ImportTxn[] = [];
  for await (const u of readImportTxns(source, topic)) units.push(u);
  return { source, units };
}

/** Everything a reader sees of a topic. */
async function view(store: EventStore, topic: string): Promise<unknown> {
  return {
    info: await store.topicInfo(topic),
    events: await readAll(store, topic),
    txns: (await store.listTxns(topic, { limit: 1000 })).txns,
    valid: await surfaceAll(store, topic),
    raw: await surfaceAll(store, topic, { view: 'raw' }),
  };
}

/** The same view of `other` as it would read under `topic`. */
function renamed(v: unknown, from: string, to: string): unknown {
  return JSON.parse(JSON.stringify(v).split(`"${from}"`).join(`"${to}"`)) as unknown;
}

/** A unit with its chain recomputed over `prev` (for hand-built transactions). */
function chained(prev: string, u: ImportTxn): ImportTxn {
  return { txn: { ...u.txn, chain: chainOfRead(prev, u.txn, u.events) }, events: u.events };
}

export function importCases(fx: StoreFixture): void {
  describe('importTxns', () => {
    it('imports a whole log exactly: events, TxnInfo, surface and counters read back identical', async () => {
      const s = freshTopic('src');
      const t = freshTopic();
      const { source, units } = await sourceLog(s);
      const moved = units.map((u) => ({ txn: u.txn, events: u.events.map((e) => ({ ...e, topic: t })) }));
      const progress: number[] = [];
      const res = await fx.store.importTxns(t, moved, { onProgress: (n) => progress.push(n) });
      expect(res).toEqual({ imported: 7, head: units[6]!.txn.chain, error: null });
      expect(progress[progress.length - 1]).toBe(7);
      expect(await view(fx.store, t)).toEqual(renamed(await view(source, s), s, t));
      await expectChainHolds(fx.store, t);
      // The target goes on as any topic: the next write chains on from the imported head.
      await fx.store.append(t, { events: [{ key: 'e', data: 1 }] });
      await expectChainHolds(fx.store, t);
      await source.close();
    });

    it('stores a repeated value as given (no de-duplication)', async () => {
      const t = freshTopic();
      const time = '2026-01-02T03:04:05.678Z';
      const hash = 'cd'.repeat(32);
      const ev = (seq: number): StoredEvent => ({
        topic: t,
        seq,
        txn: 1,
        key: 'a',
        type: 'event',
        data: 1,
        contentType: 'application/json',
        hash,
        time,
      });
      const info = {
        txn: 1,
        firstSeq: 1,
        lastSeq: 2,
        count: 2,
        time,
        invalidatedBy: null,
        reason: null,
        meta: null,
        by: null,
        chain: '',
      };
      const unit = chained(GENESIS, { txn: info, events: [ev(1), ev(2)] });
      const res = await fx.store.importTxns(t, [unit]);
      expect(res.error).toBeNull();
      expect((await readAll(fx.store, t)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await fx.store.topicInfo(t)).toMatchObject({
        events: 2,
        keys: 1,
        maxSeq: 2,
        maxTxn: 1,
        head: unit.txn.chain,
      });
    });

    it('refuses a transaction whose chain does not match (409), keeping the ones before it', async () => {
      const s = freshTopic('src');
      const { source, units } = await sourceLog(s);
      const t = freshTopic();
      const moved = units.map((u) => ({ txn: u.txn, events: u.events.map((e) => ({ ...e, topic: t })) }));
      const bad = moved.map((u, i) => (i === 2 ? { ...u, txn: { ...u.txn, chain: 'f'.repeat(64) } } : u));
      const res = await fx.store.importTxns(t, bad);
      expect(res.imported).toBe(2);
      expect(res.head).toBe(units[1]!.txn.chain);
      expect(res.error).toMatchObject({ index: 2, status: 409, code: 'CONFLICT' });
      expect(res.error!.message).toContain('f'.repeat(64));
      expect((await fx.store.topicInfo(t)).maxTxn).toBe(2);
      // Changed data under the right chain: the recomputed chain differs, nothing of it written.
      const changed = { ...moved[2]!, events: [{ ...moved[2]!.events[0]!, data: [1, 3] }] };
      const res2 = await fx.store.importTxns(t, [changed]);
      expect(res2).toMatchObject({ imported: 0, head: units[1]!.txn.chain, error: { index: 0, status: 409 } });
      // Resume: the rest imports from the target's head.
      const res3 = await fx.store.importTxns(t, moved.slice(2));
      expect(res3).toEqual({ imported: 5, head: units[6]!.txn.chain, error: null });
      expect(await view(fx.store, t)).toEqual(renamed(await view(source, s), s, t));
      await source.close();
    });

    it('refuses what does not follow the target, malformed fields and contradicting claims; nothing changes', async () => {
      const s = freshTopic('src');
      const { source, units } = await sourceLog(s);
      const t = freshTopic();
      const moved = units.map((u) => ({ txn: u.txn, events: u.events.map((e) => ({ ...e, topic: t })) }));
      // Numbers that do not follow an empty topic.
      const gap = await fx.store.importTxns(t, moved.slice(1));
      expect(gap).toMatchObject({ imported: 0, head: null, error: { index: 0, status: 409, code: 'CONFLICT' } });
      expect(gap.error!.message).toMatch(/txn 0.*transaction 2/);
      expect((await fx.store.listTopics()).map((x) => x.topic)).not.toContain(t);
      // Malformed fields, each named.
      const bads: [ImportTxn, RegExp][] = [
        [{ ...moved[0]!, events: [{ ...moved[0]!.events[0]!, hash: 'XYZ' }, moved[0]!.events[1]!] }, /seq 1: hash/],
        [{ ...moved[0]!, txn: { ...moved[0]!.txn, time: '2026-13-01T00:00:00.000Z' } }, /time/],
        [{ ...moved[0]!, txn: { ...moved[0]!.txn, count: 3 } }, /count/],
        [{ ...moved[0]!, events: [{ ...moved[0]!.events[0]!, topic: 'other' }, moved[0]!.events[1]!] }, /topic/],
        [{ ...moved[0]!, events: [{ ...moved[0]!.events[0]!, seq: 2 }, moved[0]!.events[1]!] }, /seq/],
      ];
      for (const [unit, msg] of bads) {
        const r = await fx.store.importTxns(t, [unit]);
        expect(r).toMatchObject({ imported: 0, head: null, error: { index: 0, status: 400, code: 'BAD_REQUEST' } });
        expect(r.error!.message).toMatch(msg);
      }
      expect((await fx.store.listTopics()).map((x) => x.topic)).not.toContain(t);
      // A claim that txn 2 was invalidated by seq 7 (the marker is at seq 6).
      const lying = moved.map((u, i) => (i === 1 ? { txn: { ...u.txn, invalidatedBy: 7 }, events: u.events } : u));
      const r = await fx.store.importTxns(t, lying);
      expect(r.error).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
      const before = r.imported > 0 ? await view(fx.store, t) : null;
      // A full import into a topic that is not empty: the first transaction conflicts, nothing changes.
      const full = await fx.store.importTxns(t, moved);
      expect(full.error).toMatchObject({ index: 0, status: 409 });
      if (before !== null) expect(await view(fx.store, t)).toEqual(before);
      await source.close();
    });
  });
}
