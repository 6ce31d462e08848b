/**
 * The Events tab's live tail: while on, subscribes from the topic's current max seq, prepends new
 * events into the cached event lists, and (at most twice a second) refreshes what else the new
 * events touched — counters, transactions, surface, topic list.
 *
 * A fetch of an events list that was already in flight when live events arrived (the refetch that
 * starts the tail, a stale refetch, a marker's invalidation) lands with a snapshot taken before
 * those events and replaces the list they were prepended to. So every live event of this tail is
 * kept, and whenever an events list of the topic receives fetched data, the ones newer than its
 * top are merged in again — the SSE stream delivers each event once, so nothing else would.
 */
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ApiError, StoreApi } from '../../../src-core/model/store-api';
import type { StoredEvent } from '../../../src-core/model/types';
import { afterLiveEvents, prependLiveEvents } from '../../queries/invalidate';
import { keys } from '../../queries/keys';

const isEventsKeyOf = (key: readonly unknown[], topic: string): boolean => {
  const all = keys.eventsAll(topic);
  return all.every((part, i) => key[i] === part);
};

export function useLiveTail(api: StoreApi, topic: string, live: boolean): { error: ApiError | null; received: number } {
  const qc = useQueryClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [received, setReceived] = useState(0);
  useEffect(() => {
    if (!live) return;
    let cancelled = false;
    let unsubscribe: (() => void) | null = null;
    let pending: StoredEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    // Every event this tail delivered, oldest first (re-merged after fetches; see above).
    const delivered: StoredEvent[] = [];
    const stopWatching = qc.getQueryCache().subscribe((e) => {
      if (delivered.length === 0 || e.type !== 'updated' || e.action.type !== 'success' || e.action.manual) return;
      const key = e.query.queryKey as QueryKey;
      if (!isEventsKeyOf(key, topic)) return;
      prependLiveEvents(qc, topic, delivered, key);
    });
    const flush = (): void => {
      timer = null;
      const batch = pending;
      pending = [];
      void afterLiveEvents(qc, topic, batch);
    };
    void api
      .topicInfo(topic)
      .then((i) => i.maxSeq)
      .catch(() => 0)
      .then((after) => {
        if (cancelled) return;
        void qc.invalidateQueries({ queryKey: keys.eventsAll(topic) });
        unsubscribe = api.subscribe(
          topic,
          after,
          (events) => {
            setError(null);
            setReceived((n) => n + events.length);
            delivered.push(...events);
            prependLiveEvents(qc, topic, events);
            pending.push(...events);
            timer ??= setTimeout(flush, 500);
          },
          (e) => setError(e),
        );
      });
    return () => {
      cancelled = true;
      unsubscribe?.();
      stopWatching();
      if (timer) clearTimeout(timer);
    };
  }, [api, qc, topic, live]);
  return { error: live ? error : null, received };
}
