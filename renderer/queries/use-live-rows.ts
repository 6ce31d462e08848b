/**
 * `useLiveRows(api, topic, on)`: the live rows of a topic (live.ts) for a screen. While `on`, the
 * lookup runs if the rows do not exist yet (its error is the query's error) and, once they do, the
 * tail follows the topic into them; switching off unsubscribes and keeps the rows shown, switching
 * on again resumes from the newest seq they hold, so no event is missed or shown twice.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { StoreApi } from '../../src-core/model/store-api';
import { followLive, liveQuery } from './live';

export function useLiveRows(api: StoreApi, topic: string, on: boolean) {
  const qc = useQueryClient();
  const q = useQuery({ ...liveQuery(api, topic), enabled: on });
  const ready = q.data !== undefined;
  useEffect(() => {
    if (!on || !ready) return;
    return followLive(qc, api, topic) ?? undefined;
  }, [qc, api, topic, on, ready]);
  return q;
}
