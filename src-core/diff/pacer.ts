/**
 * Time slicing, cancellation and throttled progress for one long operation (a diff; `turn` is the
 * one way the product lets the event loop run in the middle of work): `due()` says
 * when ~25 ms of synchronous work has run, `yield()` lets the event loop run (setImmediate) and
 * then checks the AbortSignal (CANCELLED), `progress()` reports at most every 100 ms, `flush()`
 * always reports (the end of a phase).
 */
import { TidemarkError } from '../model/errors';
import type { Progress } from '../model/store-api';

const SLICE_MS = 25;
const PROGRESS_MS = 100;

export interface LongOp {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/** Lets the event loop run once (timers, I/O, other requests) before going on. */
export function turn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

export function cancelled(): TidemarkError {
  return new TidemarkError('CANCELLED', 'the diff was cancelled');
}

export class Pacer {
  private sliceStart = performance.now();
  private lastProgress = 0;
  constructor(readonly op: LongOp) {}

  check(): void {
    if (this.op.signal?.aborted === true) throw cancelled();
  }

  /** True when the current slice of synchronous work has run long enough. */
  due(): boolean {
    return performance.now() - this.sliceStart >= SLICE_MS;
  }

  /** Lets the event loop run (timers, I/O, other requests), then checks for cancellation. */
  async yield(): Promise<void> {
    await turn();
    this.sliceStart = performance.now();
    this.check();
  }

  progress(p: Progress): void {
    const now = performance.now();
    if (this.op.onProgress === undefined || now - this.lastProgress < PROGRESS_MS) return;
    this.lastProgress = now;
    this.op.onProgress(p);
  }

  /** The final progress of a phase, always reported. */
  flush(p: Progress): void {
    this.lastProgress = performance.now();
    this.op.onProgress?.(p);
  }

  /** On abort, destroys a stream body (so a stalled read ends); returns the unsubscribe. */
  onAbort(body: unknown): () => void {
    const signal = this.op.signal;
    const destroy = (body as { destroy?: unknown }).destroy;
    if (signal === undefined || typeof destroy !== 'function') return () => undefined;
    const listener = (): void => {
      (destroy as (e: Error) => void).call(body, cancelled());
    };
    signal.addEventListener('abort', listener, { once: true });
    return () => signal.removeEventListener('abort', listener);
  }
}
