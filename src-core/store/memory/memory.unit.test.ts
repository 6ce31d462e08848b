/**
 * What the memory store must add to the contract because it keeps objects, not rows: no caller can
 * change stored data through an object it passed in or got back, and every answer is a fold of the
 * log alone (a store rebuilt from its own log answers the same). The contract itself runs against
 * it in test/contract/memory.unit.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../model/types';
import { openMemoryStore } from './index';

describe('MemoryEventStore', () => {
  it('keeps its own copy of data: mutating what went in or came out changes nothing stored', async () => {
    const store = openMemoryStore();
    const data: { n: number; list: JsonValue[] } = { n: 1, list: [1] };
    await store.append('t', { events: [{ key: 'a', data }] });
    data.n = 2;
    data.list.push(2);
    const [e] = (await store.readEvents('t')).events;
    expect(e!.data).toEqual({ list: [1], n: 1 });
    (e!.data as { n: number }).n = 3;
    const [row] = (await store.surface('t')).rows;
    expect(row!.data).toEqual({ list: [1], n: 1 });
    (row!.data as { n: number }).n = 4;
    expect((await store.getTxn('t', 1)).events[0]!.data).toEqual({ list: [1], n: 1 });
    // Still a duplicate of what was stored, not of what the caller changed it to.
    expect((await store.append('t', { events: [{ key: 'a', data: { n: 1, list: [1] } }] })).txn).toBeNull();
    await store.close();
  });

  it('answers from the log alone: a store replayed from it answers the same', async () => {
    const store = openMemoryStore();
    await store.append('t', {
      events: [
        { key: 'a', data: 1 },
        { key: 'b', data: 1 },
      ],
    });
    await store.append('t', {
      events: [
        { key: 'a', data: 2 },
        { key: 'b', data: null },
      ],
    });
    await store.invalidate('t', 2, 'undo');
    await store.append('t', { events: [{ key: 'c', data: 3 }] });
    const log = (await store.readEvents('t')).events;
    const again = openMemoryStore();
    for (const txn of [1, 2, 4]) {
      const events = log.filter((e) => e.txn === txn);
      await again.append('t', { events: events.map((e) => ({ key: e.key, data: e.data, hash: e.hash })) });
      if (txn === 2) await again.invalidate('t', 2, 'undo');
    }
    const strip = <T extends { time: string }>(xs: T[]): Omit<T, 'time'>[] => xs.map(({ time: _t, ...r }) => r);
    expect(strip((await again.readEvents('t')).events)).toEqual(strip(log));
    expect(strip((await again.surface('t', { view: 'raw' })).rows)).toEqual(
      strip((await store.surface('t', { view: 'raw' })).rows),
    );
    // The head covers commit times, which differ between the two stores.
    const { lastTime: _a, head: _h1, ...before } = await store.topicInfo('t');
    const { lastTime: _b, head: _h2, ...after } = await again.topicInfo('t');
    expect(after).toEqual(before);
    expect(before).toMatchObject({ maxSeq: 6, maxTxn: 4, keys: 3, invalidTxns: 1 });
  });
});
