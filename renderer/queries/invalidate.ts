/**
 * What each write or live event touched, as query-key invalidations (and direct cache updates
 * where the answer is already known, so the screen changes at once). Nothing else in the app
 * decides what to refetch, except the live tail's start and reload, which refresh the event lists
 * (live.ts). No invalidation here touches the live rows.
 */
import type { InfiniteData, QueryClient, QueryFilters } from '@tanstack/react-query';
import type { InvalidateResult, TxnInfo, TxnPage } from '../../src-core/model/types';
import { keys } from './keys';

/**
 * Every query of one topic except its live rows: those are the tail's own record of what arrived,
 * which a refetch could only lose (see live.ts).
 */
export const topicQueries = (topic: string): QueryFilters => ({
  queryKey: keys.topic(topic),
  predicate: (q) => q.queryKey[2] !== keys.live(topic)[2],
});

/** Refetches everything of one topic (its live rows aside) and the topic list. */
async function refetchTopic(qc: QueryClient, topic: string): Promise<void> {
  await Promise.all([qc.invalidateQueries(topicQueries(topic)), qc.invalidateQueries({ queryKey: keys.topics })]);
}

/** After invalidating `target`: mark its row now, then refetch everything of the topic. */
export async function afterInvalidate(qc: QueryClient, topic: string, res: InvalidateResult, reason: string) {
  const mark = (t: TxnInfo): TxnInfo =>
    t.txn === res.target && t.invalidatedBy === null ? { ...t, invalidatedBy: res.seq, reason } : t;
  qc.setQueriesData<InfiniteData<TxnPage>>({ queryKey: keys.txnsAll(topic) }, (old) =>
    old ? { ...old, pages: old.pages.map((p) => ({ ...p, txns: p.txns.map(mark) })) } : old,
  );
  await refetchTopic(qc, topic);
}

/** After a write that may have created topics (sample data, append). */
export async function afterWrite(qc: QueryClient, topic: string | null) {
  if (topic) await refetchTopic(qc, topic);
  else await qc.invalidateQueries({ queryKey: keys.topics });
}

/**
 * What a batch of live events touched besides the events lists (the live rows show them): counters,
 * transactions, the surface and the topic list; an invalidation marker also changes events'
 * validity and previews, so then the whole topic branch is refetched (the live rows aside).
 */
export async function afterLiveEvents(qc: QueryClient, topic: string, batch: { marker: boolean }) {
  if (batch.marker) return refetchTopic(qc, topic);
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
