import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { EventPage, StoredEvent, TxnPage } from '../../src-core/model/types';
import { afterInvalidate, prependLiveEvents } from './invalidate';
import { keys } from './keys';

const ev = (seq: number, key: string, txn = seq): StoredEvent => ({
  topic: 't',
  seq,
  txn,
  key,
  type: 'event',
  data: { seq },
  contentType: 'application/json',
  hash: 'h',
  time: '2026-01-01T00:00:00.000Z',
});

const page = (events: StoredEvent[]): InfiniteData<EventPage, number | undefined> => ({
  pages: [{ events, next: null }],
  pageParams: [undefined],
});

describe('cache effects', () => {
  it('prepends live events to every matching events list, newest first, without duplicates', () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.events('t', {}), page([ev(2, 'a'), ev(1, 'b')]));
    qc.setQueryData(keys.events('t', { key: 'a' }), page([ev(2, 'a')]));
    qc.setQueryData(keys.events('other', {}), page([ev(1, 'a')]));
    prependLiveEvents(qc, 't', [ev(2, 'a'), ev(3, 'a'), ev(4, 'c')]);
    const all = qc.getQueryData<InfiniteData<EventPage>>(keys.events('t', {}))!;
    expect(all.pages[0]!.events.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
    const onlyA = qc.getQueryData<InfiniteData<EventPage>>(keys.events('t', { key: 'a' }))!;
    expect(onlyA.pages[0]!.events.map((e) => e.seq)).toEqual([3, 2]);
    const other = qc.getQueryData<InfiniteData<EventPage>>(keys.events('other', {}))!;
    expect(other.pages[0]!.events.map((e) => e.seq)).toEqual([1]);
  });

  it('re-merges live events into one list only, after a fetch replaced it with an older snapshot', () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.events('t', {}), page([ev(2, 'a'), ev(1, 'b')]));
    qc.setQueryData(keys.events('t', { key: 'a' }), page([ev(2, 'a')]));
    const live = [ev(3, 'a'), ev(4, 'a')];
    prependLiveEvents(qc, 't', live);
    // A refetch that started before the live events lands: the list loses them...
    qc.setQueryData(keys.events('t', {}), page([ev(3, 'a'), ev(2, 'a'), ev(1, 'b')]));
    // ...and gets back only those above its top, once; the other list is left alone.
    prependLiveEvents(qc, 't', live, keys.events('t', {}));
    const all = qc.getQueryData<InfiniteData<EventPage>>(keys.events('t', {}))!;
    expect(all.pages[0]!.events.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
    const onlyA = qc.getQueryData<InfiniteData<EventPage>>(keys.events('t', { key: 'a' }))!;
    expect(onlyA.pages[0]!.events.map((e) => e.seq)).toEqual([4, 3, 2]);
  });

  it('marks the invalidated txn at once and invalidates exactly that topic and the topic list', async () => {
    const qc = new QueryClient();
    const txns: InfiniteData<TxnPage> = {
      pages: [
        {
          txns: [
            { txn: 2, firstSeq: 3, lastSeq: 3, count: 1, time: 't', invalidatedBy: null, reason: null },
            { txn: 1, firstSeq: 1, lastSeq: 2, count: 2, time: 't', invalidatedBy: null, reason: null },
          ],
          next: null,
        },
      ],
      pageParams: [undefined],
    };
    qc.setQueryData(keys.txns('t', { order: 'desc' }), txns);
    qc.setQueryData(keys.surface('t', { view: 'valid' }), { pages: [], pageParams: [] });
    qc.setQueryData(keys.surface('u', { view: 'valid' }), { pages: [], pageParams: [] });
    qc.setQueryData(keys.topics, []);
    await afterInvalidate(qc, 't', { seq: 4, txn: 3, target: 2, duplicate: false }, 'bad');
    const after = qc.getQueryData<InfiniteData<TxnPage>>(keys.txns('t', { order: 'desc' }))!;
    expect(after.pages[0]!.txns[0]).toMatchObject({ txn: 2, invalidatedBy: 4, reason: 'bad' });
    expect(after.pages[0]!.txns[1]).toMatchObject({ txn: 1, invalidatedBy: null });
    expect(qc.getQueryState(keys.surface('t', { view: 'valid' }))!.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.topics)!.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.surface('u', { view: 'valid' }))!.isInvalidated).toBe(false);
  });
});
