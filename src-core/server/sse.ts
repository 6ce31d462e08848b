/**
 * `GET /v1/topics/{topic}/events/stream`: a live tail as Server-Sent Events. Each event is sent as
 * `id: <seq>` + `data: <Event JSON>`; the stream starts after the `Last-Event-ID` header when
 * present (a reconnecting EventSource sends it), else after query `after` (default 0: the whole
 * log). Backlog and live events come from `tailTopic` (store/tail.ts): gap-free, in seq order, no
 * duplicates; on an empty topic it simply waits. A comment line (`: hb`) is sent every
 * `heartbeatMs` (<= 15 s) so proxies and clients can tell a quiet stream from a dead one.
 *
 * Backpressure, per client: events are written as they arrive while the socket keeps up. When a
 * client's unsent bytes exceed `sseMaxBufferedBytes`, the server stops its tail (it reads nothing
 * more from the store for that client) and, once the socket drains, starts a new tail after the
 * last seq it wrote. Memory per slow client stays bounded, writers and other clients never wait,
 * and the slow client still gets every event, in order, with no gap.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../model/errors';
import { stringifyJson } from '../model/json-text';
import type { StoredEvent } from '../model/types';
import { tailTopic } from '../store/tail';
import type { RouteContext } from './context';
import { type Query, checkQuery, intParam, topicParam } from './params';

function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const v = Array.isArray(header) ? header[header.length - 1] : header;
  if (v === undefined || v.trim() === '') return undefined;
  const t = v.trim();
  const n = /^(0|[1-9][0-9]*)$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n))
    throw badRequest(`Last-Event-ID: must be a non-negative integer (a seq), got ${JSON.stringify(v)}`);
  return n;
}

export function formatSse(events: StoredEvent[]): string {
  let out = '';
  for (const e of events) out += `id: ${e.seq}\ndata: ${stringifyJson(e)}\n\n`;
  return out;
}

export function registerSseRoute(app: FastifyInstance, ctx: RouteContext): void {
  const { store, metrics } = ctx;
  app.get<{ Params: { topic: string }; Querystring: Query }>(
    '/v1/topics/:topic/events/stream',
    { exposeHeadRoute: false },
    async (req, reply) => {
      const topic = topicParam(req.params);
      checkQuery(req.query, ['after']);
      const after = lastEventId(req.headers['last-event-id']) ?? intParam(req.query, 'after') ?? 0;

      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        // The socket is not reused after a stream, so ending streams on close frees it at once.
        connection: 'close',
      });
      res.write(': connected\n\n');
      metrics.sseClients.inc();

      let last = after;
      let stopTail: (() => void) | null = null;
      let paused = false;
      let closed = false;

      // Too far behind: read nothing more for this client until its socket drains.
      const pause = (): void => {
        if (paused) return;
        paused = true;
        metrics.ssePauses.inc();
        stopTail?.();
        stopTail = null;
        res.once('drain', () => {
          paused = false;
          startTail();
        });
      };
      const onEvents = (events: StoredEvent[]): void => {
        if (closed || paused || events.length === 0) return;
        const fresh = events.filter((e) => e.seq > last);
        if (fresh.length === 0) return;
        last = fresh[fresh.length - 1]!.seq;
        const ok = res.write(formatSse(fresh));
        if (!ok && res.writableLength > ctx.sseMaxBufferedBytes) pause();
      };
      function startTail(): void {
        if (closed || paused || stopTail) return;
        const stop = tailTopic(store, topic, last, onEvents);
        // onEvents may have paused while tailTopic delivered synchronously.
        if (paused || closed) stop();
        else stopTail = stop;
      }

      const heartbeat = setInterval(() => {
        if (!closed && res.writableLength === 0) res.write(': hb\n\n');
      }, ctx.heartbeatMs);

      const finish = (): void => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        stopTail?.();
        stopTail = null;
        ctx.sseStreams.delete(finish);
        metrics.sseClients.dec();
        if (!res.writableEnded) res.end();
      };
      ctx.sseStreams.add(finish);
      res.on('close', finish);
      res.on('error', finish);
      startTail();
    },
  );
}
