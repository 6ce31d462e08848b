/**
 * `GET /v1/topics/{topic}/verify?expectHead=HEX` (read role): runs `EventStore.verify` and streams
 * its progress as NDJSON (the line shapes are wire/verify-stream.ts's: `{"progress"}` lines, then
 * `{"result"}`, or `{"error"}` when it fails after the 200 was sent). Nothing is sent before the
 * first progress line, so an unknown topic or a malformed expectHead is an ordinary error answer
 * (the envelope). At most `maxVerifies` run at once (`--max-verifies`, default one per core: each is
 * a whole read of its topic); one more is 429 TOO_MANY_REQUESTS with `Retry-After`, before anything
 * is read. A client that disconnects aborts the verify (its AbortSignal) and frees its slot; closing
 * the server aborts running ones too.
 */
import { availableParallelism } from 'node:os';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { VerifyProgress } from '../../model/integrity';
import { Slots } from '../../model/slots';
import { checkExpectHead } from '../../store/verify';
import { type VerifyLine, verifyLine } from '../../wire/verify-stream';
import type { RouteContext } from '../context';
import { errorResponse } from '../errors';
import { type Query, topicParam } from '../params';
import { queryValues } from '../query-schema';
import { findRoute } from '../route-table';

const QUERY = findRoute('GET', '/v1/topics/:topic/verify')!.query;

/** The `Retry-After` (seconds) of a verify refused because every slot is taken. */
export const VERIFY_RETRY_AFTER_SECONDS = 5;

/** Verifies allowed to run at once by default: one per core the process may use (at least 1). */
export function defaultMaxVerifies(): number {
  return Math.max(1, availableParallelism());
}

export interface VerifyRouteOptions {
  /** Verifies running at once [`--max-verifies`]; default one per core. */
  maxVerifies?: number;
}

export function registerVerifyRoute(app: FastifyInstance, ctx: RouteContext, opts: VerifyRouteOptions = {}): void {
  const slots = new Slots({
    what: 'verify',
    option: 'maxVerifies',
    max: opts.maxVerifies ?? defaultMaxVerifies(),
    retryAfterSeconds: VERIFY_RETRY_AFTER_SECONDS,
  });
  const running = new Set<AbortController>();
  app.addHook('preClose', (done) => {
    for (const c of running) c.abort();
    done();
  });
  app.get<{ Params: { topic: string }; Querystring: Query }>('/v1/topics/:topic/verify', async (req, reply) => {
    const topic = topicParam(req.params);
    const q = queryValues(QUERY, req.query);
    const expectHead = checkExpectHead(q.expectHead);
    const release = slots.acquire();
    const abort = new AbortController();
    running.add(abort);
    // The response closing before it finished: the client went away (or the server is closing).
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    let out: PassThrough | null = null;
    const send = (line: VerifyLine): void => {
      if (out === null) {
        out = new PassThrough();
        void reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(out);
      }
      out.write(verifyLine(line) + '\n');
    };
    try {
      const opts = {
        signal: abort.signal,
        onProgress: (p: VerifyProgress) => send({ progress: p }),
        ...(expectHead !== undefined ? { expectHead } : {}),
      };
      const result = await ctx.store.verify(topic, opts);
      send({ result });
      (out as PassThrough | null)?.end();
      return reply;
    } catch (e) {
      if (out === null) throw e;
      if (!abort.signal.aborted) {
        const { body, internal } = errorResponse(e, req, ctx.bodyLimit);
        if (internal) req.log.error({ err: e }, 'verify failed while streaming');
        (out as PassThrough).write(JSON.stringify(body) + '\n');
      }
      (out as PassThrough).end();
      return reply;
    } finally {
      running.delete(abort);
      release();
    }
  });
}
