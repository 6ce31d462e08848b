/**
 * The live tail's rows, a bounded query of their own (`['topic', name, 'live']`). Its query
 * function looks up the topic's current `maxSeq` (a topic that does not exist yet has none: 0) and
 * refreshes the topic's fetched event lists, so they reach at least that seq; a failed lookup is the
 * query's error (shown in place, retried by refetching) and nothing is subscribed. `followLive`
 * then feeds the StoreApi `subscribe` from the newest seq the rows hold into them, keeping the
 * newest `LIVE_LIMIT` events and counting the ones let go, and (at most every `LIVE_TOUCH_MS`)
 * invalidates what the new events touched. The screen shows `mergeLive(live, fetched)`: the live
 * events above the fetched list's newest row, then the fetched rows; fetched pages are never
 * modified. `reloadLive` refetches the event lists and then lets go of the live rows they now hold.
 */
import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { hasErrorCode } from '../../src-core/model/errors';
import type { ApiError, StoreApi } from '../../src-core/model/store-api';
import type { StoredEvent } from '../../src-core/model/types';
import { matchesEvents } from './events';
import { afterLiveEvents } from './invalidate';
import { keys, type EventsParams } from './keys';

/** The bound: the live rows keep the newest 2,000 events received; older ones are counted in `dropped`. */
export const LIVE_LIMIT = 2000;
/** Live events invalidate the queries they touched at most this often. */
export const LIVE_TOUCH_MS = 500;

export interface LiveRows {
  /** The newest seq received (the topic's `maxSeq` when the tail started, before any): where the
   *  tail resumes. */
  last: number;
  /** The newest live events, newest first, at most `LIVE_LIMIT`. */
  events: StoredEvent[];
  /** Events received since the tail started. */
  received: number;
  /** Events let go beyond `LIVE_LIMIT` (the oldest) since the event lists were last reloaded. */
  dropped: number;
  /** The tail's latest error (it retries what may heal by itself); the next batch clears it. */
  error: ApiError | null;
}

export const emptyLive = (last: number): LiveRows => ({
  last,
  events: [],
  received: 0,
  dropped: 0,
  error: null,
});

/**
 * Drops the topic's event lists that nobody shows (they would show a snapshot older than the live
 * rows) and refetches the shown ones; true when every remaining list now holds a fresh snapshot.
 */
async function refreshEventLists(qc: QueryClient, topic: string): Promise<boolean> {
  const filter = { queryKey: keys.eventsAll(topic) };
  qc.removeQueries({ ...filter, type: 'inactive' });
  await qc.invalidateQueries(filter);
  return qc
    .getQueryCache()
    .findAll(filter)
    .every((q) => q.state.status === 'success' && !q.state.isInvalidated);
}

export const liveQuery = (api: StoreApi, topic: string) =>
  queryOptions({
    queryKey: keys.live(topic),
    queryFn: async ({ client }): Promise<LiveRows> => {
      let from: number;
      try {
        from = (await api.topicInfo(topic)).maxSeq;
      } catch (err) {
        // A topic nobody wrote to yet has no events: the tail starts before its first one.
        if (!hasErrorCode(err) || err.code !== 'NOT_FOUND') throw err;
        from = 0;
      }
      void refreshEventLists(client, topic);
      return emptyLive(from);
    },
    // The rows are the tail's own record: never refetched while they exist, only reloaded.
    staleTime: Infinity,
  });

/** `rows` with a batch of live events (in seq order) added; seqs at or below `last` are repeats. */
export function addLive(rows: LiveRows, batch: readonly StoredEvent[]): LiveRows {
  const fresh = batch.filter((e) => e.seq > rows.last);
  if (fresh.length === 0) return rows.error ? { ...rows, error: null } : rows;
  const all = [...fresh.reverse(), ...rows.events];
  const events = all.length > LIVE_LIMIT ? all.slice(0, LIVE_LIMIT) : all;
  return {
    ...rows,
    last: all[0]!.seq,
    events,
    received: rows.received + fresh.length,
    dropped: rows.dropped + (all.length - events.length),
    error: null,
  };
}

/**
 * What the Events list shows: the live events matching `params` above the newest fetched row, then
 * the fetched rows (newest first). A seq in both is shown once, as fetched (it may carry news the
 * live copy predates, such as `invalid`).
 */
export function mergeLive(live: LiveRows | undefined, fetched: StoredEvent[], params: EventsParams): StoredEvent[] {
  if (!live || live.events.length === 0) return fetched;
  const top = fetched[0]?.seq ?? 0;
  const above: StoredEvent[] = [];
  for (const e of live.events) {
    if (e.seq <= top) break;
    if (matchesEvents(params, e)) above.push(e);
  }
  return above.length === 0 ? fetched : [...above, ...fetched];
}

/**
 * Subscribes from the newest seq the live rows hold and feeds them; returns the unsubscribe
 * function (which also sends the invalidations still pending), or null when there are no rows to
 * follow (the lookup has not succeeded): then nothing is subscribed.
 */
export function followLive(qc: QueryClient, api: StoreApi, topic: string): (() => void) | null {
  const key = keys.live(topic);
  const start = qc.getQueryData<LiveRows>(key);
  if (!start) return null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let marker = false;
  const touch = (): void => {
    timer = null;
    const hadMarker = marker;
    marker = false;
    void afterLiveEvents(qc, topic, { marker: hadMarker });
  };
  const unsubscribe = api.subscribe(
    topic,
    start.last,
    (events) => {
      qc.setQueryData<LiveRows>(key, (d) => d && addLive(d, events));
      marker ||= events.some((e) => e.type === 'invalidate');
      timer ??= setTimeout(touch, LIVE_TOUCH_MS);
    },
    (error) => qc.setQueryData<LiveRows>(key, (d) => d && { ...d, error }),
  );
  return () => {
    unsubscribe();
    if (timer) {
      clearTimeout(timer);
      touch();
    }
  };
}

/**
 * After the bound was exceeded: refetches the topic's event lists, then lets go of the live rows
 * they now hold (and of the count of dropped ones). If a list could not be refetched, the live rows
 * stay as they were and false is returned (the list shows its error).
 */
export async function reloadLive(qc: QueryClient, topic: string): Promise<boolean> {
  const key = keys.live(topic);
  const through = qc.getQueryData<LiveRows>(key)?.last;
  if (through === undefined) return false;
  if (!(await refreshEventLists(qc, topic))) return false;
  qc.setQueryData<LiveRows>(key, (d) => d && { ...d, events: d.events.filter((e) => e.seq > through), dropped: 0 });
  return true;
}
