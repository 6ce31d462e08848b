/**
 * Infinite query over a topic's surface (ordered by key, paged with the key cursor); prefix,
 * view and as-of are part of the key.
 */
import { infiniteQueryOptions } from '@tanstack/react-query';
import type { StoreApi } from '../../src-core/model/store-api';
import { keys, type SurfaceParams } from './keys';

export const SURFACE_PAGE = 500;

export const surfaceQuery = (api: StoreApi, topic: string, params: SurfaceParams) =>
  infiniteQueryOptions({
    queryKey: keys.surface(topic, params),
    queryFn: ({ pageParam }) =>
      api.surface(topic, {
        after: pageParam,
        limit: SURFACE_PAGE,
        prefix: params.prefix,
        view: params.view,
        asOfTxn: params.asOfTxn,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    staleTime: 10_000,
  });
