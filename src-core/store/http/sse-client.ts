/**
 * Client side of `GET /v1/topics/{topic}/events/stream`: reads the Server-Sent Events over a
 * `fetch` body stream with eventsource-parser (so it works in Node and can send the bearer token),
 * hands events to the listener in seq order, and on a dropped connection or 503 reconnects after
 * `reconnectMs` with `Last-Event-ID` set to the last seq it delivered, so nothing is skipped or
 * repeated. The server's `event: error` (it ends the stream when it cannot send the next event)
 * and a 429 (a cap on open streams; retried after its `Retry-After`) go to `onError` and the
 * reader reconnects the same way. Errors that a retry cannot fix (401, 403, 400) go to `onError`
 * and end the stream.
 */
import { createParser } from 'eventsource-parser';
import { TidemarkError, errorFromEnvelope, hasErrorCode } from '../../model/errors';
import type { StoredEvent } from '../../model/types';
import type { HttpTransport } from './transport';
import { topicPath } from './transport';

export interface SseOptions {
  /** Delay before reconnecting (default 500 ms). */
  reconnectMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Streams events with seq > `after` (or, when `after` is a function, > what it resolves to at
 * connect time) until the returned function is called.
 */
/** The `{"error":{"code","message"}}` of the server's `event: error` (INTERNAL when it is not that). */
function serverError(data: string): TidemarkError {
  return (
    errorFromEnvelope(data) ??
    new TidemarkError('INTERNAL', 'the server ended the live stream with an unreadable error')
  );
}

/** `Retry-After` in ms (delta-seconds form; 0 when absent or not a number). */
function retryAfterMs(header: string | null): number {
  const n = header === null ? NaN : Number(header.trim());
  return Number.isFinite(n) && n > 0 ? Math.min(n, 3600) * 1000 : 0;
}

export function streamEvents(
  transport: HttpTransport,
  topic: string,
  after: number | (() => Promise<number>),
  listener: (events: StoredEvent[]) => void,
  opts: SseOptions = {},
): () => void {
  const abort = new AbortController();
  const reconnectMs = opts.reconnectMs ?? 500;
  let stopped = false;

  const run = async (): Promise<void> => {
    let last = -1;
    while (!stopped) {
      try {
        if (last < 0) last = typeof after === 'number' ? after : await after();
        const res = await transport.fetch(topicPath(topic, '/events/stream'), {
          headers: { accept: 'text/event-stream', 'last-event-id': String(last) },
          signal: abort.signal,
        });
        if (res.status === 429) {
          // A cap on open streams: say so, and try again after the server's Retry-After.
          const wait = Math.max(reconnectMs, retryAfterMs(res.headers.get('retry-after')));
          opts.onError?.(await transport.errorFrom(res));
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        if (!res.ok) throw await transport.errorFrom(res);
        if (!res.body) throw transport.unavailable(new Error('no response body'));
        let batch: StoredEvent[] = [];
        // The server's error event: reported after the events before it, then we reconnect.
        const ended: { error: TidemarkError | null } = { error: null };
        const parser = createParser({
          onEvent: (msg) => {
            if (msg.event === 'error') {
              ended.error = serverError(msg.data);
              return;
            }
            if (msg.event !== undefined && msg.event !== 'message') return;
            const ev = JSON.parse(msg.data) as StoredEvent;
            if (ev.seq > last) {
              batch.push(ev);
              last = ev.seq;
            }
          },
        });
        const decoder = new TextDecoder();
        const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
          if (batch.length) {
            const out = batch;
            batch = [];
            try {
              listener(out);
            } catch (e) {
              opts.onError?.(e);
            }
          }
          if (ended.error) {
            opts.onError?.(ended.error);
            ended.error = null;
          }
        }
      } catch (err) {
        if (stopped) return;
        const code = hasErrorCode(err) ? err.code : null;
        const retryable = code === null || code === 'UNAVAILABLE' || code === 'INTERNAL';
        if (!retryable) {
          opts.onError?.(err);
          return;
        }
      }
      if (!stopped) await new Promise((r) => setTimeout(r, reconnectMs));
    }
  };
  void run();
  return () => {
    stopped = true;
    abort.abort();
  };
}
