/**
 * The limits of a diff upload, in one place for the HTTP diff route (server/diff-route.ts) and the
 * desktop app's diff jobs (electron/jobs.ts): the snapshot size cap (default 256 MiB, API.md v1.1;
 * `snapshotTooLarge`, `checkSnapshotSize` before reading, `limitBytes` while reading), the cap on
 * diffs running at once (`DiffSlots`: default one per core, beyond it TOO_MANY_REQUESTS carrying a
 * `retryAfter` in seconds, which the server sends as `Retry-After`), the idle and total timeouts of
 * an upload (TIMEOUT), and the check of a configured limit. Node only (reads the core count).
 */
import { availableParallelism } from 'node:os';
import { TidemarkError } from '../model/errors';
import { Slots } from '../model/slots';
import type { Chunk } from './types';

export const DIFF_LIMITS = {
  /** Largest snapshot accepted, in bytes (`--diff-limit`). */
  snapshotBytesDefault: 256 * 1024 * 1024,
  /** Longest wait for the next byte of an upload, in ms (`--diff-idle-timeout`). */
  idleTimeoutMsDefault: 30_000,
  /** Longest a whole diff request may take, upload to last byte of the answer, in ms (`--diff-timeout`). */
  timeoutMsDefault: 10 * 60_000,
  /** The `Retry-After` (seconds) of a diff refused because every slot is taken. */
  retryAfterSeconds: 5,
  /** Largest value a millisecond setting may take (what a Node timer can wait). */
  timeoutMsMax: 2 ** 31 - 1,
} as const;

/** Diffs allowed to run at once by default: one per core the process may use (at least 1). */
export function defaultMaxDiffs(): number {
  return Math.max(1, availableParallelism());
}

/** TOO_LARGE for a snapshot over `limit` bytes; `subject` names it (`body`, a file name). */
export function snapshotTooLarge(limit: number, subject = 'body'): TidemarkError {
  return new TidemarkError('TOO_LARGE', `${subject}: the snapshot is larger than the diff limit of ${limit} bytes`);
}

/** Refuses up front a snapshot whose size is known to be over the limit. */
export function checkSnapshotSize(size: number | null | undefined, limit: number, subject = 'body'): void {
  if (size !== null && size !== undefined && size > limit) throw snapshotTooLarge(limit, subject);
}

/** Passes chunks through, failing with TOO_LARGE as soon as more than `limit` bytes arrived. */
export async function* limitBytes(body: AsyncIterable<Chunk>, limit: number, subject = 'body'): AsyncGenerator<Chunk> {
  let total = 0;
  for await (const chunk of body) {
    total += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (total > limit) throw snapshotTooLarge(limit, subject);
    yield chunk;
  }
}

/** TIMEOUT (408): the upload stalled, or the whole diff took longer than allowed. */
export function diffTimeout(message: string): TidemarkError {
  return new TidemarkError('TIMEOUT', message);
}

/** The cap on diffs (and repairs) running at once: model/slots.ts's rule, default one per core. */
export class DiffSlots extends Slots {
  constructor(max: number = defaultMaxDiffs()) {
    super({ what: 'diff', option: 'maxDiffs', max, retryAfterSeconds: DIFF_LIMITS.retryAfterSeconds });
  }
}
