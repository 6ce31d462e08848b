/**
 * The Events tab's live tail: while on, subscribes from the topic's current max seq, prepends new
 * events into the cached event lists, and (at most twice a second) refreshes what else the new
 * events touched — counters, transactions, surface, topic list.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ApiError, StoreApi } from '../../../src-core/model/store-api';
import type { StoredEvent } from '../../../src-core/model/types';
import { afterLiveEvents, prependLiveEvents } from '../../queries/invalidate';
import { keys } from '../../queries/keys';

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
      if (timer) clearTimeout(timer);
    };
  }, [api, qc, topic, live]);
  return { error: live ? error : null, received };
}
