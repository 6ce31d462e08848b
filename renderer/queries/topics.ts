/**
 * Query factories for the topic list and one topic's counters.
 */
import { queryOptions } from '@tanstack/react-query';
import type { StoreApi } from '../../src-core/model/store-api';
import { keys } from './keys';

export const topicsQuery = (api: StoreApi) =>
  queryOptions({ queryKey: keys.topics, queryFn: () => api.listTopics(), staleTime: 5_000 });

export const topicInfoQuery = (api: StoreApi, topic: string) =>
  queryOptions({ queryKey: keys.info(topic), queryFn: () => api.topicInfo(topic), staleTime: 5_000 });
