/**
 * A long operation started from a screen (a diff, a verify, a comparison): the one place that
 * wires a StoreApi `LongOperation` (model/store-api.ts) to the screen's progress display and its
 * Cancel button. Cancel works both ways at once: the AbortSignal (the HTTP adapter honours it) and
 * the function the operation hands over through `onStart` (in Electron an AbortSignal cannot cross
 * the contextBridge, so that function is what stops the job there); a Cancel pressed before the
 * function arrived is applied as soon as it does.
 */
import { useCallback, useRef, useState } from 'react';
import type { LongOperation, Progress } from '../../src-core/model/store-api';

export interface LongOperationControl {
  /** The latest progress of the running operation, or null before the first report. */
  progress: Progress | null;
  /** When the running operation started (ms since the epoch), for elapsed-time displays. */
  startedAt: number;
  /** Begins an operation: resets progress and returns the `LongOperation` to pass to the StoreApi. */
  start: () => LongOperation;
  /** Cancels the running operation, if any. */
  cancel: () => void;
  /** Forgets the finished operation (call from the mutation's `onSettled`). */
  settle: () => void;
}

export function useLongOperation(): LongOperationControl {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [startedAt, setStartedAt] = useState(0);
  const controller = useRef<AbortController | null>(null);
  const cancelOp = useRef<(() => void) | null>(null);
  const start = useCallback((): LongOperation => {
    const ctrl = new AbortController();
    controller.current = ctrl;
    cancelOp.current = null;
    setStartedAt(Date.now());
    setProgress(null);
    return {
      onProgress: setProgress,
      signal: ctrl.signal,
      onStart: (c) => {
        cancelOp.current = c;
        // Cancelled before the operation could hand over its cancel function.
        if (ctrl.signal.aborted) c();
      },
    };
  }, []);
  const cancel = useCallback((): void => {
    controller.current?.abort();
    cancelOp.current?.();
  }, []);
  const settle = useCallback((): void => {
    controller.current = null;
    cancelOp.current = null;
  }, []);
  return { progress, startedAt, start, cancel, settle };
}
