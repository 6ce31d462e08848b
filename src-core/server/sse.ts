/**
 * `GET /v1/topics/{topic}/events/stream`: a live tail as Server-Sent Events. Each event is sent as
 * `id: <seq>` + `data: <Event JSON>`; the stream starts after the `Last-Event-ID` header when
 * present (a reconnecting EventSource sends it), else after query `after` (default 0: the whole
 * log). Events come from the per-topic hub (sse-hub.ts): one shared store subscription and poll
 * per topic, gap-free, in seq order, no duplicates; on an empty topic it simply waits. A comment
 * line (`: hb`) is sent every `heartbeatMs` (<= 15 s) so proxies and clients can tell a quiet
 * stream from a dead one.
 *
 * Never a silent skip: an event is serialised before the stream's cursor moves past it; when an
 * event cannot be serialised, a store read keeps failing or sending throws, the stream ends with
 * `event: error` + `data: {"error":{"code","message"}}` (no id, no driver text, no stack), so the
 * client reconnects with `Last-Event-ID` and sees the problem again rather than a gap.
 *
 * Caps: at most `sseMaxStreams` open streams per server and `sseMaxStreamsPerToken` per bearer
 * token (`streamOwner`); beyond either, 429 TOO_MANY_REQUESTS with the envelope and `Retry-After`.
 *
 * Backpressure, per client: events are written as they arrive while the socket keeps up. When a
 * client's unsent bytes exceed `sseMaxBufferedBytes`, the stream leaves the hub (nothing more is
 * read or sent for it) and, once the socket drains, joins again after the last seq it wrote.
 * Memory per slow client stays bounded, writers and other clients never wait, and the slow client
 * still gets every event, in order, with no gap.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ErrorBody, tooManyRequests } from '../model/errors';
import { stringifyJson } from '../model/json-write';
import { SEQ_MIN, parseIntegerField } from '../model/parse';
import { type StoredEventText, eventWriter } from '../model/stored-json';
import type { StoredEvent } from '../model/types';
import { callerName } from './auth';
import type { RouteContext } from './context';
import { type Query, intParam, topicParam } from './params';
import { SseHub } from './sse-hub';

/** `Retry-After` (seconds) of a stream refused by a cap. */
export const STREAM_RETRY_AFTER_SECONDS = 5;

/**
 * Whose streams count together for the per-token cap: the name of the caller's token (set by the
 * auth hook, server/auth.ts), or null when the server has no tokens (open mode: only the
 * per-server cap applies). Names are unique per server, so two tokens never share a count.
 */
export function streamOwner(req: FastifyRequest): string | null {
  return callerName(req);
}

function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const v = Array.isArray(header) ? header[header.length - 1] : header;
  if (v === undefined || v.trim() === '') return undefined;
  // Spaces around a header value are HTTP's optional whitespace, not part of it.
  return parseIntegerField('Last-Event-ID', v.trim(), SEQ_MIN, undefined, '(a seq)');
}

/** One event as SSE text. Throws when the event cannot be serialised as JSON. */
export function sseEvent(e: StoredEvent): string {
  return `id: ${e.seq}\ndata: ${stringifyJson(e)}\n\n`;
}

/** Writes the JSON of events read as stored text (one writer: it only remembers repeated strings). */
const writeEventText = eventWriter();

/**
 * `sseEvent` of the event with its data parsed, written from the stored data text instead
 * (model/stored-json.ts): the same text, without parsing and re-serialising the data.
 */
export function sseEventText(e: StoredEventText): string {
  return `id: ${e.seq}\ndata: ${writeEventText(e)}\n\n`;
}

export function formatSse(events: StoredEvent[]): string {
  let out = '';
  for (const e of events) out += sseEvent(e);
  return out;
}

/** The event that ends a stream on a failure: no id (the client resumes from its last event). */
export function sseErrorEvent(error: ErrorBody): string {
  return `event: error\ndata: ${JSON.stringify({ error: { code: error.code, message: error.message } })}\n\n`;
}

export function registerSseRoute(app: FastifyInstance, ctx: RouteContext): void {
  const { metrics } = ctx;
  const hub = new SseHub(ctx.store, {
    encode: sseEvent,
    encodeText: sseEventText,
    pollMs: ctx.ssePollMs,
    log: (err, message) => app.log.error({ err }, message),
    onFeed: (delta) => metrics.sseFeeds.inc(delta),
  });
  let open = 0;
  const byOwner = new Map<string, number>();

  app.get<{ Params: { topic: string }; Querystring: Query }>(
    '/v1/topics/:topic/events/stream',
    { exposeHeadRoute: false },
    async (req, reply) => {
      const topic = topicParam(req.params);
      const after = lastEventId(req.headers['last-event-id']) ?? intParam(req.query, 'after') ?? 0;

      // The caps: checked and taken synchronously, given back once in `finish`.
      const owner = streamOwner(req);
      const owned = owner === null ? 0 : (byOwner.get(owner) ?? 0);
      if (open >= ctx.sseMaxStreams) {
        metrics.sseRefused.inc({ cap: 'server' });
        throw tooManyRequests(
          `live streams: the server already has its maximum of ${ctx.sseMaxStreams} open (--max-streams); retry later`,
          STREAM_RETRY_AFTER_SECONDS,
        );
      }
      if (owner !== null && owned >= ctx.sseMaxStreamsPerToken) {
        metrics.sseRefused.inc({ cap: 'token' });
        throw tooManyRequests(
          `live streams: this token already has its maximum of ${ctx.sseMaxStreamsPerToken} open (--max-streams-per-token); close one or retry later`,
          STREAM_RETRY_AFTER_SECONDS,
        );
      }
      open++;
      if (owner !== null) byOwner.set(owner, owned + 1);
      metrics.sseClients.inc();

      const res = reply.raw;
      let last = after;
      let leave: (() => void) | null = null;
      let paused = false;
      let closed = false;

      const finish = (): void => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        leave?.();
        leave = null;
        ctx.sseStreams.delete(finish);
        open--;
        if (owner !== null) {
          const n = (byOwner.get(owner) ?? 1) - 1;
          if (n > 0) byOwner.set(owner, n);
          else byOwner.delete(owner);
        }
        metrics.sseClients.dec();
        if (!res.writableEnded) res.end();
      };
      const heartbeat = setInterval(() => {
        if (!closed && res.writableLength === 0) res.write(': hb\n\n');
      }, ctx.heartbeatMs);
      ctx.sseStreams.add(finish);

      // Too far behind: read nothing more for this client until its socket drains.
      const pause = (): void => {
        if (paused || closed) return;
        paused = true;
        metrics.ssePauses.inc();
        leave?.();
        leave = null;
        res.once('drain', () => {
          paused = false;
          join();
        });
      };
      function join(): void {
        if (closed || paused || leave) return;
        leave = hub.join(topic, last, {
          send: (chunk, seq) => {
            if (closed) return;
            const ok = res.write(chunk);
            last = seq; // only once written: serialised first, advanced after
            if (!ok && res.writableLength > ctx.sseMaxBufferedBytes) pause();
          },
          fail: (error) => {
            leave = null;
            if (closed) return;
            metrics.sseErrors.inc();
            try {
              res.write(sseErrorEvent(error));
            } finally {
              finish();
            }
          },
        });
      }

      try {
        reply.hijack();
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
          // The socket is not reused after a stream, so ending streams on close frees it at once.
          connection: 'close',
        });
        res.write(': connected\n\n');
        res.on('close', finish);
        res.on('error', finish);
        if (res.destroyed) return finish(); // the client left before we were listening
        join();
      } catch (err) {
        // Hijacked: no error response can follow any more; drop the connection.
        app.log.error({ err }, 'live tail: starting a stream failed');
        finish();
        res.destroy();
      }
    },
  );
}
