/**
 * Infinite query over a topic's surface (ordered by key, paged with the key cursor); prefix,
 * view and as-of are part of the key.
 */
import { infiniteQueryOptions } from '@tanstack/react-query';
import type { StoreApi } from '../../src-core/model/store-api';
import { nextCursor, pagedListOptions } from './paged';
import { keys, type SurfaceParams } from './keys';

/** A small first page (fast first rows), then bigger ones: fewer re-renders and less garbage as the
 *  list grows to 100k rows. */
export const SURFACE_FIRST_PAGE = 500;
export const SURFACE_PAGE = 2500;

export const surfaceQuery = (api: StoreApi, topic: string, params: SurfaceParams) =>
  infiniteQueryOptions({
    queryKey: keys.surface(topic, params),
    queryFn: ({ pageParam }) =>
      api.surface(topic, {
        after: pageParam,
        limit: pageParam === undefined ? SURFACE_FIRST_PAGE : SURFACE_PAGE,
        prefix: params.prefix,
        view: params.view,
        asOfTxn: params.asOfTxn,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
    ...pagedListOptions,
  });
