/**
 * Unit tests of reading a log as import units (services/txn-reader.ts) over the memory store:
 * every transaction comes once, in order, with exactly its events; a page of transactions holding
 * more events than one page may is cut (nothing lost or repeated); `afterTxn` and `untilTxn` bound
 * what is read; a marker's target reads with its invalid flags and `invalidatedBy` agreeing.
 */
import { describe, expect, it } from 'vitest';
import type { ImportTxn } from '../model/integrity';
import { openMemoryStore } from '../store/memory/index';
import { readImportTxns } from './txn-reader';

async function all(it: AsyncIterable<ImportTxn>): Promise<ImportTxn[]> {
  const out: ImportTxn[] = [];
  for await (const u of it) out.push(u);
  return out;
}

describe('readImportTxns', () => {
  it('reads big transactions across cut pages, each once with exactly its events', async () => {
    const s = openMemoryStore();
    for (let t = 0; t < 3; t++) {
      await s.append('big', {
        events: Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, data: t * 10_000 + i })),
      });
    }
    await s.append('big', { events: [{ key: 'x', data: 1 }] });
    const units = await all(readImportTxns(s, 'big', { pageTxns: 10 }));
    expect(units.map((u) => [u.txn.txn, u.events.length, u.events[0]!.seq])).toEqual([
      [1, 10_000, 1],
      [2, 10_000, 10_001],
      [3, 10_000, 20_001],
      [4, 1, 30_001],
    ]);
    await s.close();
  });

  it('bounds the range and carries invalidation consistently', async () => {
    const s = openMemoryStore();
    for (let i = 1; i <= 5; i++) await s.append('t', { events: [{ key: 'a', data: i }] });
    await s.invalidate('t', 2, 'bad');
    const units = await all(readImportTxns(s, 't', { afterTxn: 1, untilTxn: 3, pageTxns: 1 }));
    expect(units.map((u) => u.txn.txn)).toEqual([2, 3]);
    expect(units[0]!.txn.invalidatedBy).toBe(6);
    expect(units[0]!.events.every((e) => e.invalid === true)).toBe(true);
    expect(await all(readImportTxns(s, 't', { afterTxn: 6 }))).toEqual([]);
    await s.close();
  });

  it('reads a transaction again when a marker lands between its two reads, and stops on a source that keeps changing', async () => {
    const s = openMemoryStore();
    for (let i = 1; i <= 5; i++)
      await s.append('t', {
        events: [
          { key: 'a', data: i },
          { key: 'b', data: i },
        ],
      });
    // The events are read (from the first listing on) before the marker lands; the second listing
    // sees it: txn 3 disagrees and both reads start again from txn 2.
    let listings = 0;
    const racing = Object.create(s) as typeof s;
    racing.listTxns = async (topic, opts) => {
      if (++listings === 2) await s.invalidate('t', 3, 'raced');
      return s.listTxns(topic, opts);
    };
    const units = await all(readImportTxns(racing, 't', { pageTxns: 2 }));
    expect(units.map((u) => [u.txn.txn, u.txn.invalidatedBy, u.events.map((e) => e.invalid === true)])).toEqual([
      [1, null, [false, false]],
      [2, null, [false, false]],
      [3, 11, [true, true]],
      [4, null, [false, false]],
      [5, null, [false, false]],
      [6, null, [false]],
    ]);
    expect(listings).toBe(4);

    // Every listing disagrees with the events: an error, not a loop.
    const liar = Object.create(s) as typeof s;
    liar.listTxns = async (topic, opts) => {
      const page = await s.listTxns(topic, opts);
      return { ...page, txns: page.txns.map((t) => ({ ...t, invalidatedBy: null })) };
    };
    await expect(all(readImportTxns(liar, 't', { afterTxn: 2 }))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await s.close();
  });
});
