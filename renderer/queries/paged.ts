/**
 * What every paged list (events, surface, transactions) shares: the infinite-query options that
 * follow the page's `next` cursor and keep pages as immutable snapshots, and `usePagedRows`, which
 * flattens the loaded pages into one row array and hands `PagedTable` its paging and error props.
 */
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useMemo } from 'react';

/** `getNextPageParam` of a list whose pages carry a `next` cursor (`null` on the last page). */
export const nextCursor = <C>(last: { next: C | null }): C | undefined => last.next ?? undefined;

/** Spread into `infiniteQueryOptions` of every paged list. */
export const pagedListOptions = {
  staleTime: 10_000,
  // Pages are immutable snapshots; deep-comparing 100k rows on every page costs long tasks.
  structuralSharing: false,
} as const;

export interface PagedRows<TRow> {
  /** Every loaded row, in page order. */
  rows: TRow[];
  /** `hasMore`, `loadingMore`, `onNeedMore`, `error` and `onRetry` for `PagedTable`. */
  paging: { hasMore: boolean; loadingMore: boolean; onNeedMore: () => void; error: unknown; onRetry: () => void };
}

/** The rows of an infinite query whose pages hold them under `field`, and its paging props. */
export function usePagedRows<K extends string, TRow>(
  q: UseInfiniteQueryResult<InfiniteData<Record<K, TRow[]>, unknown>>,
  field: K,
): PagedRows<TRow> {
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p[field]) ?? [], [q.data, field]);
  return {
    rows,
    paging: {
      hasMore: q.hasNextPage,
      loadingMore: q.isFetchingNextPage || q.isPending,
      onNeedMore: () => void q.fetchNextPage(),
      error: q.error,
      onRetry: () => void q.refetch(),
    },
  };
}
