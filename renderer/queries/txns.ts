/**
 * Query factories for transactions: the newest-first infinite list (optionally of one writer's,
 * `by`), one transaction's detail,
 * the preview of what invalidating it would change, and of what re-publishing it would write.
 */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { StoreApi } from '../../src-core/model/store-api';
import { nextCursor, pagedListOptions } from './paged';
import { keys } from './keys';

export const TXNS_PAGE = 200;
export const PREVIEW_LIMIT = 200;

/** Newest first; with `by`, only that writer's transactions, paged by the store (none missed). */
export const txnsQuery = (api: StoreApi, topic: string, by?: string) =>
  infiniteQueryOptions({
    queryKey: keys.txns(topic, by === undefined ? { order: 'desc' } : { order: 'desc', by }),
    queryFn: ({ pageParam }) =>
      api.listTxns(topic, { order: 'desc', before: pageParam, limit: TXNS_PAGE, ...(by === undefined ? {} : { by }) }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: nextCursor,
    ...pagedListOptions,
  });

export const txnQuery = (api: StoreApi, topic: string, txn: number) =>
  queryOptions({ queryKey: keys.txn(topic, txn), queryFn: () => api.getTxn(topic, txn), staleTime: 10_000 });

export const previewQuery = (api: StoreApi, topic: string, txn: number) =>
  queryOptions({
    queryKey: keys.preview(topic, txn),
    queryFn: () => api.previewInvalidate(topic, txn, PREVIEW_LIMIT),
    staleTime: 0,
  });

export const republishPreviewQuery = (api: StoreApi, topic: string, txn: number) =>
  queryOptions({
    queryKey: keys.republishPreview(topic, txn),
    queryFn: () => api.previewRepublish(topic, txn, PREVIEW_LIMIT),
    staleTime: 0,
  });
