/**
 * Repair from a diff: the Repair dialog's dry run as a query (one per dialog, never cached past
 * it: `dialog` numbers the dialog), cancelled by React Query's signal (and, across the Electron
 * bridge, by the cancel function the StoreApi hands over), and the write as the caller's mutation,
 * after which `afterWrite` refetches everything of the topic.
 */
import { queryOptions } from '@tanstack/react-query';
import type { LongOperation, Progress, RepairRequest, StoreApi } from '../../src-core/model/store-api';
import { keys } from './keys';

/** Events the preview lists (the count is always complete). */
export const REPAIR_PREVIEW_ROWS = 50;

/** Progress and cancel from an AbortSignal, for the browser's XHR and the Electron bridge alike. */
export function longOpOf(signal: AbortSignal, onProgress: (p: Progress) => void): LongOperation {
  return {
    signal,
    onProgress,
    onStart: (cancel) => {
      if (signal.aborted) cancel();
      else signal.addEventListener('abort', cancel, { once: true });
    },
  };
}

export const repairPreviewQuery = (
  api: StoreApi,
  topic: string,
  dialog: number,
  req: RepairRequest,
  onProgress: (p: Progress) => void,
) =>
  queryOptions({
    queryKey: keys.repairPreview(topic, dialog),
    queryFn: ({ signal }) =>
      api.repair(topic, { ...req, dryRun: true, limit: REPAIR_PREVIEW_ROWS }, longOpOf(signal, onProgress)),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
