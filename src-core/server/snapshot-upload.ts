/**
 * What the routes that take a snapshot upload share (diff-route.ts, repair-route.ts): their bounds
 * (`UploadLimits`: the body limit `--diff-limit`, idle and total timeouts, the slots of
 * `--max-diffs`, the running operations the server ends on close), `guardUpload` (takes a slot,
 * arms the timeouts, cancels on a closed connection, and hands out the body as limited, idle-timed
 * chunks), and the diff options a query asks for. See diff-route.ts for the rules they implement.
 */
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { TidemarkError, hasErrorCode } from '../model/errors';
import { type DiffSlots, diffTimeout, limitBytes } from '../diff/limits';
import type { Chunk, DiffOptions } from '../diff/types';
import { parseMap, parseNormalise, parseTolerance, splitList } from '../wire/diff-query';

export interface UploadLimits {
  bodyLimit: number;
  idleMs: number;
  timeoutMs: number;
  tmpDir: string | undefined;
  slots: DiffSlots;
  /** Ends each running diff or repair with the given error (server close). */
  running: Set<(reason: TidemarkError) => void>;
}

export interface UploadGuard {
  readonly signal: AbortSignal;
  /** A body stream as chunks: idle-timed, ending with the abort reason, at most `bodyLimit` bytes. */
  body(raw: unknown): AsyncIterable<Chunk>;
  /** Called (once) when the operation is stopped, before its reason is answered. */
  onStop(fn: () => void): void;
  /** The error to answer with: the reason the operation was stopped (a timeout, the server closing), else `e`. */
  failure(e: unknown): unknown;
  /** Releases the slot and the timers; call on every way out. */
  release(): void;
}

/** Takes a slot (429 when none is free) and guards one upload operation; `what` names it in messages. */
export function guardUpload(reply: FastifyReply, lim: UploadLimits, what: string): UploadGuard {
  const releaseSlot = lim.slots.acquire();
  const ac = new AbortController();
  const stopHooks: (() => void)[] = [];
  const stop = (reason: TidemarkError): void => {
    if (ac.signal.aborted) return;
    ac.abort(reason);
    for (const fn of stopHooks) fn();
  };
  const onClose = (): void => {
    if (!reply.raw.writableFinished) stop(new TidemarkError('CANCELLED', 'the client closed the connection'));
  };
  reply.raw.on('close', onClose);
  lim.running.add(stop);
  const deadline = setTimeout(
    () =>
      stop(diffTimeout(`${what}: not finished within ${lim.timeoutMs} ms, the most the server allows for one ${what}`)),
    lim.timeoutMs,
  );
  const idle = (): void => stop(diffTimeout(`body: no byte arrived for ${lim.idleMs} ms; the upload was abandoned`));
  return {
    signal: ac.signal,
    body: (raw) => limitBytes(uploadBody(raw, lim.idleMs, idle, ac.signal), lim.bodyLimit),
    onStop: (fn) => stopHooks.push(fn),
    failure: (e) => {
      const reason: unknown = ac.signal.aborted ? ac.signal.reason : null;
      return hasErrorCode(reason) ? reason : e;
    },
    release: () => {
      clearTimeout(deadline);
      reply.raw.off('close', onClose);
      lim.running.delete(stop);
      releaseSlot();
    },
  };
}

/**
 * The request body as chunks, read on demand (so a slow diff slows the client, never fills
 * memory). While waiting for the next chunk a timer runs: after `idleMs` without one, `onIdle`.
 * The abort signal ends a pending wait with its reason. Leaving early never destroys the stream
 * (that would drop the connection before the answer is sent).
 */
function uploadBody(body: unknown, idleMs: number, onIdle: () => void, signal: AbortSignal): AsyncIterable<Chunk> {
  if (!isReadable(body)) return empty();
  const stream = body;
  return {
    [Symbol.asyncIterator]: (): AsyncIterator<Chunk> => ({
      async next(): Promise<IteratorResult<Chunk>> {
        for (;;) {
          if (signal.aborted) throw signal.reason;
          if (stream.errored) throw stream.errored;
          const chunk = stream.read() as Buffer | string | null;
          if (chunk !== null) return { done: false, value: chunk };
          if (stream.readableEnded) return { done: true, value: undefined };
          if (stream.destroyed) throw new TidemarkError('CANCELLED', 'body: the client closed the connection');
          await new Promise<void>((resolve) => {
            const wake = (): void => {
              clearTimeout(timer);
              stream.off('readable', wake);
              stream.off('end', wake);
              stream.off('error', wake);
              stream.off('close', wake);
              signal.removeEventListener('abort', wake);
              resolve();
            };
            const timer = setTimeout(() => {
              wake();
              onIdle();
            }, idleMs);
            stream.on('readable', wake);
            stream.on('end', wake);
            stream.on('error', wake);
            stream.on('close', wake);
            signal.addEventListener('abort', wake);
          });
        }
      },
      // Leaving early leaves the stream as it is (never destroyed here).
      return: (): Promise<IteratorResult<Chunk>> => Promise.resolve({ done: true, value: undefined }),
    }),
  };
}

/** The diff options of a query's values (already read by the route's declaration). */
export interface DiffQueryValues {
  key?: string | undefined;
  fields?: string | undefined;
  ignore?: string | undefined;
  limit?: number | undefined;
  asOfTxn?: number | undefined;
  includeEqual?: string | undefined;
  map?: string | undefined;
  tolerance?: string | undefined;
  normalise?: string | undefined;
}

export function diffOptionsOf(query: DiffQueryValues): DiffOptions {
  const opts: DiffOptions = {};
  if (query.key !== undefined) opts.keyField = query.key;
  if (query.fields !== undefined) opts.fields = splitList(query.fields, 'fields');
  if (query.ignore !== undefined) opts.ignore = splitList(query.ignore, 'ignore');
  if (query.limit !== undefined) opts.limit = query.limit;
  if (query.asOfTxn !== undefined) opts.asOfTxn = query.asOfTxn;
  if (query.includeEqual !== undefined) opts.includeEqual = query.includeEqual === 'true';
  if (query.map !== undefined) opts.map = parseMap(query.map, 'map');
  if (query.tolerance !== undefined) opts.tolerance = parseTolerance(query.tolerance, 'tolerance');
  if (query.normalise !== undefined) opts.normalise = parseNormalise(query.normalise, 'normalise');
  return opts;
}

export function isReadable(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as { read?: unknown }).read === 'function';
}

async function* empty(): AsyncGenerator<Chunk> {}
