import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TidemarkError } from '../../src-core/model/errors';
import type { ApiError, StoreApi } from '../../src-core/model/store-api';
import type { StoredEvent, TopicInfo } from '../../src-core/model/types';
import { keys } from './keys';
import {
  LIVE_LIMIT,
  LIVE_TOUCH_MS,
  addLive,
  emptyLive,
  followLive,
  liveQuery,
  mergeLive,
  reloadLive,
  type LiveRows,
} from './live';

const ev = (seq: number, key: string, more: Partial<StoredEvent> = {}): StoredEvent => ({
  topic: 't',
  seq,
  txn: seq,
  key,
  type: 'event',
  data: { seq },
  contentType: 'application/json',
  hash: 'h',
  time: '2026-01-01T00:00:00.000Z',
  ...more,
});

const seqs = (rows: StoredEvent[]): number[] => rows.map((e) => e.seq);

const info = (maxSeq: number): TopicInfo => ({
  topic: 't',
  events: maxSeq,
  keys: 1,
  maxSeq,
  maxTxn: maxSeq,
  invalidTxns: 0,
  lastTime: null,
  head: null,
});

interface Subscription {
  after: number;
  push: (events: StoredEvent[]) => void;
  fail: (e: ApiError) => void;
  closed: boolean;
}

/** A StoreApi with only what the live rows use: `topicInfo` answers from `lookups` in turn. */
function fakeApi(lookups: (() => Promise<TopicInfo>)[]) {
  const subscriptions: Subscription[] = [];
  let lookupsMade = 0;
  const api = {
    topicInfo: () => {
      const answer = lookups[lookupsMade++];
      if (!answer) throw new Error('more lookups than the test expected');
      return answer();
    },
    subscribe: (_topic: string, after: number, onEvents: Subscription['push'], onError?: Subscription['fail']) => {
      const s: Subscription = { after, push: onEvents, fail: (e) => onError?.(e), closed: false };
      subscriptions.push(s);
      return () => {
        s.closed = true;
      };
    },
  } as Pick<StoreApi, 'topicInfo' | 'subscribe'> as StoreApi;
  return { api, subscriptions, lookups: () => lookupsMade };
}

const live = (qc: QueryClient): LiveRows | undefined => qc.getQueryData<LiveRows>(keys.live('t'));

afterEach(() => {
  vi.useRealTimers();
});

describe('live ∪ fetched', () => {
  it('shows live events above the fetched rows, newest first, filtered like the list, each seq once', () => {
    const rows = addLive(emptyLive(1), [ev(2, 'a'), ev(3, 'a'), ev(4, 'c')]);
    expect(seqs(mergeLive(rows, [ev(2, 'a'), ev(1, 'b')], {}))).toEqual([4, 3, 2, 1]);
    expect(seqs(mergeLive(rows, [ev(2, 'a')], { key: 'a' }))).toEqual([3, 2]);
    expect(seqs(mergeLive(rows, [ev(4, 'c')], { txn: 4 }))).toEqual([4]);
  });

  it('loses no live event to a fetch that landed with an older snapshot, and never changes the fetched rows', () => {
    const rows = addLive(emptyLive(2), [ev(3, 'a'), ev(4, 'a')]);
    const fetched = [ev(3, 'a'), ev(2, 'a'), ev(1, 'b')];
    const copy = structuredClone(fetched);
    expect(seqs(mergeLive(rows, fetched, {}))).toEqual([4, 3, 2, 1]);
    expect(seqs(mergeLive(rows, [ev(2, 'a')], { key: 'a' }))).toEqual([4, 3, 2]);
    expect(fetched).toEqual(copy);
  });

  it('shows a seq held by both as fetched (the fetched copy knows it is invalid)', () => {
    const rows = addLive(emptyLive(0), [ev(1, 'a'), ev(2, 'a')]);
    const fetched = [ev(2, 'a', { invalid: true }), ev(1, 'a', { invalid: true })];
    const merged = mergeLive(rows, fetched, {});
    expect(merged).toHaveLength(2);
    expect(merged.every((e) => e.invalid)).toBe(true);
  });

  it('shows only the live rows while nothing is fetched yet, and only the fetched rows without live ones', () => {
    const rows = addLive(emptyLive(5), [ev(6, 'a')]);
    expect(seqs(mergeLive(rows, [], {}))).toEqual([6]);
    const fetched = [ev(1, 'a')];
    expect(mergeLive(undefined, fetched, {})).toBe(fetched);
  });
});

describe('the bound', () => {
  it(`keeps the newest ${LIVE_LIMIT} live events and counts every one let go`, () => {
    const burst = Array.from({ length: LIVE_LIMIT + 5 }, (_, i) => ev(11 + i, `k${i}`));
    let rows = addLive(emptyLive(10), burst);
    expect(rows.events).toHaveLength(LIVE_LIMIT);
    expect(rows.events[0]!.seq).toBe(10 + LIVE_LIMIT + 5);
    expect(rows.events.at(-1)!.seq).toBe(16);
    expect(rows).toMatchObject({ received: LIVE_LIMIT + 5, dropped: 5, last: 10 + LIVE_LIMIT + 5 });
    rows = addLive(rows, [ev(11 + LIVE_LIMIT + 5, 'next')]);
    expect(rows).toMatchObject({ received: LIVE_LIMIT + 6, dropped: 6 });
    expect(rows.events).toHaveLength(LIVE_LIMIT);
  });

  it('ignores repeats at or below the newest seq received', () => {
    const rows = addLive(emptyLive(0), [ev(1, 'a'), ev(2, 'a')]);
    expect(addLive(rows, [ev(1, 'a'), ev(2, 'a')])).toBe(rows);
    expect(addLive(rows, [ev(2, 'a'), ev(3, 'a')])).toMatchObject({ received: 3, last: 3 });
  });
});

describe('the tail', () => {
  it("starts from the topic's current maxSeq and feeds the live rows", async () => {
    const qc = new QueryClient();
    const { api, subscriptions } = fakeApi([() => Promise.resolve(info(41))]);
    await qc.fetchQuery(liveQuery(api, 't'));
    const stop = followLive(qc, api, 't')!;
    expect(subscriptions.map((s) => s.after)).toEqual([41]);
    subscriptions[0]!.push([ev(42, 'a'), ev(43, 'b')]);
    expect(live(qc)).toMatchObject({ last: 43, received: 2, dropped: 0 });
    subscriptions[0]!.fail({ code: 'UNAVAILABLE', message: 'gone for a moment' });
    expect(live(qc)!.error).toMatchObject({ code: 'UNAVAILABLE' });
    subscriptions[0]!.push([ev(44, 'a')]);
    expect(live(qc)!.error).toBeNull();
    stop();
    expect(subscriptions[0]!.closed).toBe(true);
  });

  it('shows a failed lookup as the error, subscribes to nothing, and looks up again on retry — never from 0', async () => {
    const qc = new QueryClient();
    const { api, subscriptions, lookups } = fakeApi([
      () => Promise.reject(new TidemarkError('INTERNAL', 'the lookup broke')),
      () => Promise.resolve(info(10)),
    ]);
    await expect(qc.fetchQuery(liveQuery(api, 't'))).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(qc.getQueryState(keys.live('t'))!.status).toBe('error');
    expect(live(qc)).toBeUndefined();
    expect(followLive(qc, api, 't')).toBeNull();
    expect(subscriptions).toHaveLength(0);

    await qc.fetchQuery(liveQuery(api, 't'));
    followLive(qc, api, 't');
    expect(lookups()).toBe(2);
    expect(subscriptions.map((s) => s.after)).toEqual([10]);
  });

  it('starts a topic nobody wrote to yet (NOT_FOUND) before its first event', async () => {
    const qc = new QueryClient();
    const { api, subscriptions } = fakeApi([() => Promise.reject(new TidemarkError('NOT_FOUND', 'no events'))]);
    await qc.fetchQuery(liveQuery(api, 't'));
    followLive(qc, api, 't');
    expect(subscriptions.map((s) => s.after)).toEqual([0]);
  });

  it('resumes from the newest seq held when followed again, and drops event lists older than the start', async () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.events('t', { key: 'x' }), { pages: [], pageParams: [] });
    const { api, subscriptions } = fakeApi([() => Promise.resolve(info(7))]);
    await qc.fetchQuery(liveQuery(api, 't'));
    expect(qc.getQueryData(keys.events('t', { key: 'x' }))).toBeUndefined();
    const stop = followLive(qc, api, 't')!;
    subscriptions[0]!.push([ev(8, 'a')]);
    stop();
    followLive(qc, api, 't');
    expect(subscriptions.map((s) => s.after)).toEqual([7, 8]);
  });

  it('invalidates what live events touched (not the events lists, never the live rows); a marker, the whole topic', async () => {
    vi.useFakeTimers();
    const qc = new QueryClient();
    const { api, subscriptions } = fakeApi([() => Promise.resolve(info(1))]);
    await qc.fetchQuery(liveQuery(api, 't'));
    const seed = (): void => {
      qc.setQueryData(keys.info('t'), info(1));
      qc.setQueryData(keys.surface('t', { view: 'valid' }), { pages: [], pageParams: [] });
      qc.setQueryData(keys.events('t', {}), { pages: [], pageParams: [] });
      qc.setQueryData(keys.topics, []);
    };
    const invalidated = (key: readonly unknown[]): boolean | undefined => qc.getQueryState(key)?.isInvalidated;
    seed();
    const stop = followLive(qc, api, 't')!;
    subscriptions[0]!.push([ev(2, 'a')]);
    expect(invalidated(keys.info('t'))).toBe(false);
    await vi.advanceTimersByTimeAsync(LIVE_TOUCH_MS);
    expect(invalidated(keys.info('t'))).toBe(true);
    expect(invalidated(keys.surface('t', { view: 'valid' }))).toBe(true);
    expect(invalidated(keys.topics)).toBe(true);
    expect(invalidated(keys.events('t', {}))).toBe(false);
    expect(invalidated(keys.live('t'))).toBe(false);

    seed();
    subscriptions[0]!.push([ev(3, '$invalidate', { type: 'invalidate', target: 2, reason: 'bad' })]);
    // Unsubscribing sends what is still pending.
    stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(invalidated(keys.events('t', {}))).toBe(true);
    expect(invalidated(keys.live('t'))).toBe(false);
    expect(live(qc)).toMatchObject({ last: 3, received: 2 });
  });
});

describe('reloading after the bound was exceeded', () => {
  const overflowed = (qc: QueryClient): void => {
    const burst = Array.from({ length: LIVE_LIMIT + 3 }, (_, i) => ev(1 + i, 'k'));
    qc.setQueryData(keys.live('t'), addLive(emptyLive(0), burst));
  };

  it('refetches the event lists, then lets go of the live rows they hold and of the count', async () => {
    const qc = new QueryClient();
    overflowed(qc);
    const list = new QueryObserver(qc, {
      queryKey: keys.events('t', {}),
      queryFn: () => Promise.resolve({ pages: [{ events: [], next: null }], pageParams: [undefined] }),
    });
    const unsubscribe = list.subscribe(() => undefined);
    expect(await reloadLive(qc, 't')).toBe(true);
    expect(live(qc)).toMatchObject({ events: [], dropped: 0, received: LIVE_LIMIT + 3, last: LIVE_LIMIT + 3 });
    unsubscribe();
  });

  it('changes nothing when an event list could not be refetched', async () => {
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    overflowed(qc);
    const before = live(qc);
    const list = new QueryObserver(qc, {
      queryKey: keys.events('t', {}),
      queryFn: () => Promise.reject(new TidemarkError('UNAVAILABLE', 'down')),
    });
    const unsubscribe = list.subscribe(() => undefined);
    expect(await reloadLive(qc, 't')).toBe(false);
    expect(live(qc)).toBe(before);
    unsubscribe();
  });
});
