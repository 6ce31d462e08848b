/**
 * `POST /v1/topics/:topic/diff` (API.md, "Snapshot upload for diff"), registered by the server
 * through `registerDiffRoute(app, store, options)`. Inside an encapsulated plugin, text/csv,
 * application/json and application/x-ndjson bodies are handed over as the raw request stream (not
 * buffered, not JSON-parsed) and parsed as they arrive. Query: key, fields, ignore (comma lists),
 * limit, format (overrides the Content-Type), asOfTxn, includeEqual, map, tolerance, normalise,
 * declared in route-table.ts (`DIFF_QUERY`), which checks them like every route's (an unknown,
 * repeated or malformed one is a 400 naming it) and types the values read here; the list options'
 * text is read by diff/options.ts and every option checked (`checkOptions`) before a slot is taken.
 * With `Accept: application/x-ndjson` every row is streamed as `{"row":DiffRow}` lines and a last
 * `{"summary","truncated","asOf"}` line (or `{"error"}` if the diff fails after rows were sent).
 * The diff itself runs through the store's services (`servicesFor`, src-core/services/).
 *
 * Bounds (docs/diff.md, docs/security.md; limits from diff/limits.ts): the body limit `diffLimit`
 * (default 256 MiB, not `--body-limit`), checked against Content-Length before reading (413) and
 * counted while reading (413, nothing kept); at most `maxDiffs` diffs at once, beyond which 429
 * TOO_MANY_REQUESTS with `Retry-After`; 408 TIMEOUT when no body byte arrives for
 * `diffIdleTimeoutMs`, or when the whole request takes longer than `diffTimeoutMs`. A request
 * refused up front (bad type, query, size, no free slot) starts nothing; the slot is taken before
 * the diff's worker thread and temp file exist (they start with the first body byte) and is
 * released on every way out. A closed connection cancels the diff; closing the server ends the
 * running diffs (503). An answer sent before the whole body arrived closes the connection, so
 * the rest of the body is never read. Auth (read role) is the server's.
 */
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TidemarkError, badRequest, hasErrorCode } from '../model/errors';
import { errorResponse } from './errors';
import { stringifyJson } from '../model/json-write';
import { validateTopic } from '../model/validate';
import type { DiffRow } from '../model/types';
import type { EventStore } from '../store/types';
import { DiffRowWriter } from '../diff/export';
import { formatFromContentType } from '../diff/format';
import { DIFF_LIMITS, DiffSlots, checkSnapshotSize, diffTimeout, limitBytes } from '../diff/limits';
import { checkLimit } from '../model/validate';
import { checkOptions } from '../diff/options';
import { parseMap, parseNormalise, parseTolerance, splitList } from '../wire/diff-query';
import type { Chunk, DiffOptions } from '../diff/types';
import { servicesFor } from '../services/index';
import type { Query } from './params';
import { DIFF_QUERY, type QueryValues, queryValues } from './route-table';

/** The diff route's part of the server options (`tidemark serve` flags in brackets). */
export interface DiffRouteOptions {
  /** Largest snapshot body, in bytes [`--diff-limit`]. Default 256 MiB. */
  diffLimit?: number;
  /** Diffs running at once [`--max-diffs`]. Default: one per core. */
  maxDiffs?: number;
  /** Longest wait for the next body byte, ms [`--diff-idle-timeout`]. Default 30,000. */
  diffIdleTimeoutMs?: number;
  /** Longest a whole diff request may take, ms [`--diff-timeout`]. Default 600,000. */
  diffTimeoutMs?: number;
  /** Directory for the diffs' temporary spill files. Default: the OS temp directory. */
  diffTmpDir?: string;
}

interface RouteLimits {
  bodyLimit: number;
  idleMs: number;
  timeoutMs: number;
  tmpDir: string | undefined;
  slots: DiffSlots;
  /** Ends each running diff with the given error (server close). */
  running: Set<(reason: TidemarkError) => void>;
}

export function registerDiffRoute(app: FastifyInstance, store: EventStore, opts: DiffRouteOptions = {}): void {
  const ms = DIFF_LIMITS.timeoutMsMax;
  const lim: RouteLimits = {
    bodyLimit: checkLimit('diffLimit', opts.diffLimit ?? DIFF_LIMITS.snapshotBytesDefault),
    idleMs: checkLimit('diffIdleTimeoutMs', opts.diffIdleTimeoutMs ?? DIFF_LIMITS.idleTimeoutMsDefault, ms),
    timeoutMs: checkLimit('diffTimeoutMs', opts.diffTimeoutMs ?? DIFF_LIMITS.timeoutMsDefault, ms),
    tmpDir: opts.diffTmpDir,
    slots: new DiffSlots(opts.maxDiffs),
    running: new Set(),
  };
  app.addHook('preClose', (done) => {
    const closing = new TidemarkError('UNAVAILABLE', 'the server is shutting down; retry against its replacement');
    for (const stop of [...lim.running]) stop(closing);
    done();
  });
  void app.register((scope, _o, done) => {
    // Only in this scope: every body arrives as the raw stream, whatever its type (the handler
    // rejects types it does not know with a message, rather than Fastify's 415).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req: FastifyRequest, payload: Readable, next) => next(null, payload));
    // The snapshot streams through this handler, which times it itself (idle and total), so the
    // server's body timeout (body-timeout.ts) leaves it alone.
    scope.post<{ Params: { topic: string }; Querystring: Query }>(
      '/v1/topics/:topic/diff',
      { config: { ownsBodyTimeout: true } },
      (req, reply) => handle(req, reply, store, lim),
    );
    done();
  });
}

type DiffRequest = FastifyRequest<{ Params: { topic: string }; Querystring: Query }>;

async function handle(req: DiffRequest, reply: FastifyReply, store: EventStore, lim: RouteLimits): Promise<unknown> {
  try {
    return await run(req, reply, store, lim);
  } catch (e) {
    // Answering before the whole body arrived: close the connection rather than read the rest.
    if (!req.raw.complete) void reply.header('connection', 'close');
    throw e;
  }
}

async function run(req: DiffRequest, reply: FastifyReply, store: EventStore, lim: RouteLimits): Promise<unknown> {
  // Everything that can be refused up front is, before a slot is taken or a byte is read.
  const topic = validateTopic(req.params.topic);
  const query = queryValues(DIFF_QUERY, req.query);
  const format = query.format ?? formatFromContentType(req.headers['content-type']);
  if (format === null) {
    throw badRequest(
      `content-type: ${JSON.stringify(req.headers['content-type'] ?? '')} is not a snapshot type; send text/csv, application/json or application/x-ndjson`,
    );
  }
  const opts: DiffOptions = diffOptionsOf(query);
  checkOptions(opts);
  const services = servicesFor(store, lim.tmpDir !== undefined ? { tmpDir: lim.tmpDir } : {});
  const declared = Number(req.headers['content-length'] ?? NaN);
  const size = Number.isFinite(declared) ? declared : null;
  checkSnapshotSize(size, lim.bodyLimit);
  const release = lim.slots.acquire();

  const ac = new AbortController();
  let out: PassThrough | null = null;
  const stop = (reason: TidemarkError): void => {
    if (ac.signal.aborted) return;
    ac.abort(reason);
    // A streamed answer may be stuck on a reader that stopped reading: end it (it then lacks its
    // summary line, which is how a client tells a cut stream).
    if (out !== null) {
      out.destroy();
      reply.raw.destroy();
    }
  };
  const onClose = (): void => {
    if (!reply.raw.writableFinished) stop(new TidemarkError('CANCELLED', 'the client closed the connection'));
  };
  reply.raw.on('close', onClose);
  lim.running.add(stop);
  const deadline = setTimeout(
    () => stop(diffTimeout(`diff: not finished within ${lim.timeoutMs} ms, the most the server allows for one diff`)),
    lim.timeoutMs,
  );
  const idle = (): void => stop(diffTimeout(`body: no byte arrived for ${lim.idleMs} ms; the upload was abandoned`));
  const source = {
    format,
    body: limitBytes(uploadBody(req.body, lim.idleMs, idle, ac.signal), lim.bodyLimit),
    size,
  };

  try {
    if (!acceptsNdjson(req)) {
      const result = await services.diff(topic, source, opts, { signal: ac.signal });
      return reply.type('application/json; charset=utf-8').send(result);
    }

    // Streaming: nothing is sent until the first row, so a bad snapshot still gets a plain 400.
    let writer: DiffRowWriter | null = null;
    const start = (): DiffRowWriter => {
      out = new PassThrough();
      void reply.type('application/x-ndjson; charset=utf-8').send(out);
      return new DiffRowWriter('ndjson', out, (row: DiffRow) => stringifyJson({ row }) + '\n');
    };
    opts.onRow = (row) => (writer ??= start()).write(row);
    opts.limit = 0;
    try {
      const result = await services.diff(topic, source, opts, { signal: ac.signal });
      writer ??= start();
      await writer.text(JSON.stringify({ summary: result.summary, truncated: false, asOf: result.asOf }) + '\n');
      await writer.end();
    } catch (e) {
      if (writer === null) throw e;
      if (!ac.signal.aborted) {
        // The same mapping as any answer: an internal error names only the request id it is logged under.
        const { body, internal } = errorResponse(e, req, lim.bodyLimit);
        if (internal) req.log.error({ err: e }, 'diff failed while streaming');
        await writer.text(JSON.stringify(body) + '\n');
        await writer.end();
      }
    }
    return reply;
  } catch (e) {
    // A diff ended by a timeout or by the server closing answers with that reason.
    const reason: unknown = ac.signal.aborted ? ac.signal.reason : null;
    throw hasErrorCode(reason) ? reason : e;
  } finally {
    clearTimeout(deadline);
    reply.raw.off('close', onClose);
    lim.running.delete(stop);
    release();
  }
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

/** The diff options a query asks for (its values already read by the route's declaration). */
function diffOptionsOf(query: QueryValues<typeof DIFF_QUERY>): DiffOptions {
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

function acceptsNdjson(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('application/x-ndjson');
}

function isReadable(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as { read?: unknown }).read === 'function';
}

async function* empty(): AsyncGenerator<Chunk> {}
