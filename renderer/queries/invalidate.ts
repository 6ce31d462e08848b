/**
 * What each write or live event touched, as query-key invalidations (and direct cache updates
 * where the answer is already known, so the screen changes at once). Nothing else in the app
 * decides what to refetch.
 */
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { EventPage, InvalidateResult, StoredEvent, TxnInfo, TxnPage } from '../../src-core/model/types';
import { matchesEvents } from './events';
import { keys, type EventsParams } from './keys';

/** After invalidating `target`: mark its row now, then refetch everything of the topic. */
export async function afterInvalidate(qc: QueryClient, topic: string, res: InvalidateResult, reason: string) {
  const mark = (t: TxnInfo): TxnInfo =>
    t.txn === res.target && t.invalidatedBy === null ? { ...t, invalidatedBy: res.seq, reason } : t;
  qc.setQueriesData<InfiniteData<TxnPage>>({ queryKey: keys.txnsAll(topic) }, (old) =>
    old ? { ...old, pages: old.pages.map((p) => ({ ...p, txns: p.txns.map(mark) })) } : old,
  );
  await Promise.all([
    qc.invalidateQueries({ queryKey: keys.topic(topic) }),
    qc.invalidateQueries({ queryKey: keys.topics }),
  ]);
}

/** After a write that may have created topics (sample data, append). */
export async function afterWrite(qc: QueryClient, topic: string | null) {
  const jobs = [qc.invalidateQueries({ queryKey: keys.topics })];
  if (topic) jobs.push(qc.invalidateQueries({ queryKey: keys.topic(topic) }));
  await Promise.all(jobs);
}

/**
 * Prepends live events (oldest first) to every cached events list of the topic they match (newest
 * first), or only to the list under `only`; events at or below a list's top are already in it.
 */
export function prependLiveEvents(
  qc: QueryClient,
  topic: string,
  events: StoredEvent[],
  only?: readonly unknown[],
): void {
  const lists = only ? [{ queryKey: only }] : qc.getQueryCache().findAll({ queryKey: keys.eventsAll(topic) });
  for (const q of lists) {
    const params = (q.queryKey[3] ?? {}) as EventsParams;
    const old = qc.getQueryData<InfiniteData<EventPage, number | undefined>>(q.queryKey);
    if (!old || old.pages.length === 0) continue;
    const first = old.pages[0]!;
    const top = first.events[0]?.seq ?? 0;
    const fresh = events.filter((e) => e.seq > top && matchesEvents(params, e)).reverse();
    // Nothing new: leave the entry alone (a write would notify every observer for nothing).
    if (fresh.length === 0) continue;
    qc.setQueryData<InfiniteData<EventPage, number | undefined>>(q.queryKey, {
      ...old,
      pages: [{ ...first, events: [...fresh, ...first.events] }, ...old.pages.slice(1)],
    });
  }
}

/**
 * The keys a live batch touched besides the events lists (updated in place): counters,
 * transactions, the surface and the topic list; an invalidation marker also changes events'
 * validity and previews, so then the whole topic branch is refetched.
 */
export async function afterLiveEvents(qc: QueryClient, topic: string, events: StoredEvent[]) {
  const hasMarker = events.some((e) => e.type === 'invalidate');
  if (hasMarker) {
    await Promise.all([
      qc.invalidateQueries({ queryKey: keys.topic(topic) }),
      qc.invalidateQueries({ queryKey: keys.topics }),
    ]);
    return;
  }
  await Promise.all([
    qc.invalidateQueries({ queryKey: keys.info(topic) }),
    qc.invalidateQueries({ queryKey: keys.txnsAll(topic) }),
    qc.invalidateQueries({ queryKey: keys.surfaceAll(topic) }),
    qc.invalidateQueries({ queryKey: keys.topics }),
  ]);
}

/** A different store is open: nothing cached about topics holds any more. */
export function forgetStoreData(qc: QueryClient): void {
  qc.removeQueries({ queryKey: ['topic'] });
  qc.removeQueries({ queryKey: keys.topics });
}
