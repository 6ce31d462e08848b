/**
 * The live tail over HTTP: reads `GET /v1/topics/{topic}/events/stream` with `fetch` (so the bearer
 * token can be sent, which `EventSource` cannot) and hands every event with seq > `after` to
 * `onEvents`, in order, each once, across reconnects. Each connection asks for what comes after the
 * last seq delivered (`Last-Event-ID` and `?after=`); sse-parse.ts reads the text and sse-policy.ts
 * decides what a failure means: reconnect after `reconnectMs` (a 429 after its `Retry-After`), or
 * end on a fatal code. Every failure goes to `onError(err, failures)` with the count of consecutive
 * failures (reset when the stream delivers events or a heartbeat); a fatal one is reported once and
 * ends the tail. A consumer that throws is reported the same way and gets the same events again
 * from a new connection (the cursor moves only after `onEvents` returns), as `tailTopic` does.
 * Used by `HttpEventStore.tail`/`subscribe` (Node) and the browser adapter's `subscribe`.
 */
import type { TidemarkError } from '../model/errors';
import type { StoredEvent } from '../model/types';
import { networkError, unreachable } from './envelope';
import { paths } from './paths';
import { SseEventReader } from './sse-parse';
import { SSE_RECONNECT_MS, reconnectDelay } from './sse-policy';
import type { WireTransport } from './transport';

export interface StreamTailOptions {
  /** Delay before reconnecting, in ms (default 500). */
  reconnectMs?: number;
  /** Told of every failure, with the count of consecutive ones (see the header). */
  onError?: (err: unknown, failures: number) => void;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Starts the tail; the returned function stops it (no call of `onEvents` or `onError` after). With
 * `after` a function, it is asked once, when the first connection is made.
 */
export function tailStream(
  t: WireTransport,
  topic: string,
  after: number | (() => Promise<number>),
  onEvents: (events: StoredEvent[]) => void,
  opts: StreamTailOptions = {},
): () => void {
  const stop = new AbortController();
  const reconnectMs = opts.reconnectMs ?? SSE_RECONNECT_MS;
  const what = 'The live tail';
  let failures = 0;
  let reader: SseEventReader | null = null;

  const report = (err: unknown): void => {
    failures++;
    if (!stop.signal.aborted) opts.onError?.(err, failures);
  };
  /** Reports a failure; the delay before the next attempt, or null when it is fatal. */
  const failed = (err: TidemarkError, retryAfter: string | null): number | null => {
    report(err);
    return reconnectDelay(err.code, retryAfter, reconnectMs);
  };

  /** One connection, read to its end; the delay before the next, or null to end the tail. */
  const attempt = async (): Promise<number | null> => {
    const conn = new AbortController();
    const abort = (): void => conn.abort();
    stop.signal.addEventListener('abort', abort, { once: true });
    try {
      if (reader === null) reader = new SseEventReader(typeof after === 'number' ? after : await after());
      else reader.restart();
      const from = reader.delivered;
      const res = await t.fetch(paths.stream(topic), {
        query: { after: from },
        headers: { accept: 'text/event-stream', 'last-event-id': String(from) },
        signal: conn.signal,
        what,
      });
      if (!res.ok) return failed(await t.errorFrom(res, what), res.headers.get('retry-after'));
      if (res.body === null) return failed(unreachable(what, t.baseUrl, 'the answer has no body'), null);
      const body = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await body.read();
        if (stop.signal.aborted) return null;
        if (done) return reconnectMs; // the server closed the stream: carry on from where we are
        const chunk = reader.feed(decoder.decode(value, { stream: true }));
        if (chunk.events.length > 0) {
          try {
            onEvents(chunk.events);
          } catch (err) {
            report(err);
            return reconnectMs; // not committed: the next connection delivers them again
          }
          reader.commit();
          failures = 0;
        } else if (chunk.alive) failures = 0;
        if (chunk.error !== null) return failed(chunk.error, null);
      }
    } catch (err) {
      if (stop.signal.aborted) return null;
      return failed(networkError(err, what, t.baseUrl), null);
    } finally {
      stop.signal.removeEventListener('abort', abort);
      conn.abort();
    }
  };

  const run = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      const delay = await attempt();
      if (delay === null) return;
      await sleep(delay, stop.signal);
    }
  };
  void run();
  return () => stop.abort();
}
