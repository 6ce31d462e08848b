/**
 * Live tail over Server-Sent Events with fetch + eventsource-parser (the browser's EventSource
 * cannot send an Authorization header). Delivers each chunk's events as one batch, in seq order,
 * never an event twice (anything at or below the last seq seen is dropped), and reconnects with
 * backoff from the last seq seen (`Last-Event-ID` and `after`), so a dropped connection loses
 * nothing. The server's `event: error` (it ends the stream when it cannot send the next event) is
 * reported and the tail reconnects the same way, backing off while the error persists. Errors
 * that retrying cannot fix (401, 403, 404, 400) end the tail and are reported.
 */
import { createParser } from 'eventsource-parser';
import type { StoredEvent } from '../../src-core/model/types';
import { TidemarkError, errorFromEnvelope } from '../../src-core/model/errors';
import type { ApiError } from '../../src-core/model/store-api';
import { errorFromResponse, toApiError } from './errors';

export interface SseTailOptions {
  /** The stream URL for a given `after` seq. */
  url: (after: number) => string;
  headers: () => Record<string, string>;
  after: number;
  onEvents: (events: StoredEvent[]) => void;
  onError?: (e: ApiError) => void;
  /** Backoff bounds for reconnects, in ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

const FATAL = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST']);

/**
 * Parses SSE text chunks into events above `after`, and the server's `event: error` (taken once by
 * `error()`); exposed for unit tests.
 */
export function createEventCollector(after: number): {
  feed: (chunk: string) => StoredEvent[];
  last: () => number;
  error: () => TidemarkError | null;
  reset: () => void;
} {
  let last = after;
  let batch: StoredEvent[] = [];
  let failure: TidemarkError | null = null;
  const parser = createParser({
    onEvent(message) {
      if (message.event === 'error') {
        failure =
          errorFromEnvelope(message.data) ??
          new TidemarkError('INTERNAL', 'The live tail was ended by the server with an unreadable error');
        return;
      }
      if (message.event !== undefined && message.event !== 'message') return;
      const ev = JSON.parse(message.data) as StoredEvent;
      if (typeof ev.seq !== 'number' || ev.seq <= last) return;
      last = ev.seq;
      batch.push(ev);
    },
  });
  return {
    feed(chunk) {
      parser.feed(chunk);
      const out = batch;
      batch = [];
      return out;
    },
    last: () => last,
    error: () => {
      const e = failure;
      failure = null;
      return e;
    },
    reset: () => parser.reset(),
  };
}

export function tailSse(opts: SseTailOptions): () => void {
  const controller = new AbortController();
  let stopped = false;
  const minDelay = opts.minDelayMs ?? 500;
  const maxDelay = opts.maxDelayMs ?? 10_000;
  const collector = createEventCollector(opts.after);

  const run = async (): Promise<void> => {
    let delay = minDelay;
    while (!stopped) {
      try {
        const after = collector.last();
        const res = await fetch(opts.url(after), {
          headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(after), ...opts.headers() },
          signal: controller.signal,
          cache: 'no-store',
        });
        if (!res.ok) {
          const err = await errorFromResponse(res, 'The live tail');
          if (FATAL.has(err.code)) {
            opts.onError?.(err);
            return;
          }
          throw err;
        }
        if (!res.body) throw new TypeError('the live tail response has no body');
        const backoff = delay;
        delay = minDelay;
        collector.reset();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const events = collector.feed(value);
          if (events.length > 0 && !stopped) opts.onEvents(events);
          const failure = collector.error();
          if (failure && !stopped) {
            // The server ended the stream on an error: report it, reconnect from the last seq, backing off.
            opts.onError?.(failure);
            delay = backoff;
          }
        }
      } catch (err) {
        if (stopped) return;
        const e = toApiError(err, 'The live tail');
        if (FATAL.has(e.code)) {
          opts.onError?.(e);
          return;
        }
        opts.onError?.(e);
      }
      if (stopped) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, maxDelay);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}
