/**
 * Infinite query over a topic's log, newest first, paged with the `before` cursor; filters
 * (key, txn) are part of the key. `matchesEvents` tells which cached lists a live event belongs to.
 */
import { infiniteQueryOptions } from '@tanstack/react-query';
import type { StoreApi } from '../../src-core/model/store-api';
import type { StoredEvent } from '../../src-core/model/types';
import { nextCursor, pagedListOptions } from './paged';
import { keys, type EventsParams } from './keys';

/** A small first page (fast first rows), then bigger ones as you scroll. */
export const EVENTS_FIRST_PAGE = 200;
export const EVENTS_PAGE = 1000;

export const eventsQuery = (api: StoreApi, topic: string, params: EventsParams) =>
  infiniteQueryOptions({
    queryKey: keys.events(topic, params),
    queryFn: ({ pageParam, signal: _signal }) =>
      api.readEvents(topic, {
        order: 'desc',
        before: pageParam,
        limit: pageParam === undefined ? EVENTS_FIRST_PAGE : EVENTS_PAGE,
        key: params.key,
        txn: params.txn,
      }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: nextCursor,
    ...pagedListOptions,
  });

export function matchesEvents(params: EventsParams, e: StoredEvent): boolean {
  if (params.key !== undefined && e.key !== params.key) return false;
  if (params.txn !== undefined && e.txn !== params.txn) return false;
  return true;
}
