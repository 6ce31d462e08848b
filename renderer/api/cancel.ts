/**
 * One way to cancel a long operation in both StoreApi implementations: the caller's `signal` and
 * the cancel function handed to `onStart` (which the Electron bridge must use, since an AbortSignal
 * cannot cross the contextBridge) both abort the signal returned here, which the HTTP adapter then
 * gives to fetch / XHR.
 */
import type { LongOperation } from '../../src-core/model/store-api';

export function startCancellable(op: LongOperation): AbortSignal {
  const ctrl = new AbortController();
  const abort = (): void => ctrl.abort(op.signal?.reason);
  if (op.signal?.aborted) abort();
  else op.signal?.addEventListener('abort', abort, { once: true });
  op.onStart?.(() => ctrl.abort());
  return ctrl.signal;
}
