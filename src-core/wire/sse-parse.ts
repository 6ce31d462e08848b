/**
 * Reading the live stream's Server-Sent Events (`GET /v1/topics/{topic}/events/stream`, docs/http.md
 * "Live tail") with eventsource-parser: text chunks in, events out in seq order, each at most once.
 * The reader keeps two positions: `delivered`, the last seq the consumer took (`commit()` moves it
 * once the consumer returned), and the last seq parsed on this connection; after `restart()` (a
 * new connection from `delivered`) anything at or below `delivered` is dropped as already seen, so
 * a consumer that threw gets the same events again and nothing is skipped. The server's
 * `event: error` (it ends the stream when it cannot send the next event) and an event whose data
 * is not an event with a seq are reported as `error`, after the events before them; nothing after
 * them is taken from that connection, so the reconnect resumes right after the last good event.
 * A `: hb` heartbeat is reported as `alive` (the connection works even when nothing is written).
 * An event is bounded like any answer (body-read.ts), by the parser's own `maxBufferSize`: once it
 * holds more than `max` characters (default `LIMITS.answerBytesMax`) of an event or line not yet
 * complete, the connection is reported as `error` (INTERNAL, naming the bound) and nothing more is
 * taken from it. Pure.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { TidemarkError, errorFromEnvelope } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { StoredEvent } from '../model/types';
import { answerTooLarge } from './body-read';

export interface SseChunk {
  /** New events, in seq order (not yet committed). */
  events: StoredEvent[];
  /** The server's error event, or an unreadable event: the connection is over. */
  error: TidemarkError | null;
  /** A heartbeat arrived. */
  alive: boolean;
}

function readEvent(data: string, after: number): StoredEvent | TidemarkError {
  let ev: unknown;
  try {
    ev = JSON.parse(data);
  } catch {
    ev = null;
  }
  const seq = typeof ev === 'object' && ev !== null ? (ev as { seq?: unknown }).seq : undefined;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
    return new TidemarkError('INTERNAL', `the live stream sent an unreadable event after seq ${after}`);
  }
  return ev as StoredEvent;
}

export class SseEventReader {
  private parsed: number;
  private committed: number;
  private chunk: SseChunk = { events: [], error: null, alive: false };
  /** An error was read: nothing more is taken from this connection. */
  private ended = false;
  private readonly parser: EventSourceParser;

  constructor(after: number, max: number = LIMITS.answerBytesMax) {
    this.parsed = after;
    this.committed = after;
    this.parser = createParser({
      maxBufferSize: max,
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') {
          this.fail(answerTooLarge('The live tail', max, 'event', 'characters'));
        }
      },
      onEvent: (msg) => {
        if (this.ended) return;
        if (msg.event === 'error') {
          this.fail(
            errorFromEnvelope(msg.data) ??
              new TidemarkError('INTERNAL', 'the server ended the live stream with an unreadable error'),
          );
          return;
        }
        if (msg.event !== undefined && msg.event !== 'message') return;
        const ev = readEvent(msg.data, this.parsed);
        if (ev instanceof TidemarkError) this.fail(ev);
        else if (ev.seq > this.parsed) {
          this.chunk.events.push(ev);
          this.parsed = ev.seq;
        }
      },
      onComment: (comment) => {
        if (comment.trim() === 'hb') this.chunk.alive = true;
      },
    });
  }

  private fail(err: TidemarkError): void {
    this.ended = true;
    this.chunk.error = err;
  }

  /** The last seq the consumer took: where a new connection starts. */
  get delivered(): number {
    return this.committed;
  }

  /** The last seq parsed (at least `delivered`). */
  get last(): number {
    return this.parsed;
  }

  /** Parses a chunk of the stream's text (nothing, once this connection failed). */
  feed(text: string): SseChunk {
    if (!this.ended) this.parser.feed(text);
    const out = this.chunk;
    this.chunk = { events: [], error: null, alive: false };
    return out;
  }

  /** The consumer took everything parsed so far. */
  commit(): void {
    this.committed = this.parsed;
  }

  /** A new connection starts after `delivered`: the parser forgets the old one's partial text. */
  restart(): void {
    this.parser.reset();
    this.parsed = this.committed;
    this.ended = false;
    this.chunk = { events: [], error: null, alive: false };
  }
}
