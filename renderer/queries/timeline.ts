/**
 * The query of a topic's timeline (the Overview tab's chart): the store aggregates the
 * transactions into time buckets, so the renderer never loads the transactions themselves. Under
 * the topic's branch of the key hierarchy, so a write or invalidation that refreshes the topic
 * refreshes the chart; the previous range stays on screen while a zoom loads.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { StoreApi } from '../../src-core/model/store-api';
import type { TimelineOptions } from '../../src-core/model/types';
import { keys } from './keys';

export const timelineQuery = (api: StoreApi, topic: string, opts: TimelineOptions) =>
  queryOptions({
    queryKey: keys.timeline(topic, opts),
    queryFn: () => api.timeline(topic, opts),
    staleTime: 5_000,
    placeholderData: keepPreviousData,
  });
