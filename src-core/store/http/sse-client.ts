/**
 * Client side of `GET /v1/topics/{topic}/events/stream`: reads the Server-Sent Events over a
 * `fetch` body stream with eventsource-parser (so it works in Node and can send the bearer token),
 * hands events to the listener in seq order, and on a dropped connection or 503 reconnects after
 * `reconnectMs` with `Last-Event-ID` set to the last seq it delivered, so nothing is skipped or
 * repeated. Errors that a retry cannot fix (401, 403, 400) go to `onError` and end the stream.
 */
import { createParser } from 'eventsource-parser';
import { hasErrorCode } from '../../model/errors';
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
        if (!res.ok) throw await transport.errorFrom(res);
        if (!res.body) throw transport.unavailable(new Error('no response body'));
        let batch: StoredEvent[] = [];
        const parser = createParser({
          onEvent: (msg) => {
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
