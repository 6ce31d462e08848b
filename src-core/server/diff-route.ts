/**
 * `POST /v1/topics/:topic/diff` (API.md, "Snapshot upload for diff"), registered by the server
 * through `registerDiffRoute(app, store, options)`, with `POST /v1/topics/:topic/repair`
 * (repair-route.ts) in the same scope and under the same bounds and slots. Inside an encapsulated plugin, text/csv,
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
import { TidemarkError, badRequest } from '../model/errors';
import { errorResponse } from './errors';
import { stringifyJson } from '../model/json-write';
import { validateTopic } from '../model/validate';
import type { DiffRow, RepairResult } from '../model/types';
import type { EventStore } from '../store/types';
import { DiffRowWriter } from '../diff/export';
import { formatFromContentType } from '../diff/format';
import { DIFF_LIMITS, DiffSlots, checkSnapshotSize } from '../diff/limits';
import { checkLimit } from '../model/validate';
import { checkOptions } from '../diff/options';
import type { DiffOptions } from '../diff/types';
import { servicesFor } from '../services/index';
import type { Query } from './params';
import { queryValues } from './query-schema';
import { DIFF_QUERY } from './snapshot-query';
import { runRepair } from './repair-route';
import { type UploadLimits, diffOptionsOf, guardUpload } from './snapshot-upload';

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

export function registerDiffRoute(
  app: FastifyInstance,
  store: EventStore,
  opts: DiffRouteOptions = {},
  onRepair: (r: RepairResult) => void = () => undefined,
): void {
  const ms = DIFF_LIMITS.timeoutMsMax;
  const lim: UploadLimits = {
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
      (req, reply) => run(req, reply, store, lim),
    );
    scope.post<{ Params: { topic: string }; Querystring: Query }>(
      '/v1/topics/:topic/repair',
      { config: { ownsBodyTimeout: true } },
      async (req, reply) => {
        const r = await runRepair(req, reply, store, lim);
        onRepair(r);
        return r;
      },
    );
    done();
  });
}

type DiffRequest = FastifyRequest<{ Params: { topic: string }; Querystring: Query }>;

async function run(req: DiffRequest, reply: FastifyReply, store: EventStore, lim: UploadLimits): Promise<unknown> {
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
  const guard = guardUpload(reply, lim, 'diff');
  let out: PassThrough | null = null;
  // A streamed answer may be stuck on a reader that stopped reading: end it (it then lacks its
  // summary line, which is how a client tells a cut stream).
  guard.onStop(() => {
    if (out !== null) {
      out.destroy();
      reply.raw.destroy();
    }
  });
  const source = { format, body: guard.body(req.body), size };

  try {
    if (!acceptsNdjson(req)) {
      const result = await services.diff(topic, source, opts, { signal: guard.signal });
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
      const result = await services.diff(topic, source, opts, { signal: guard.signal });
      writer ??= start();
      await writer.text(JSON.stringify({ summary: result.summary, truncated: false, asOf: result.asOf }) + '\n');
      await writer.end();
    } catch (e) {
      if (writer === null) throw e;
      if (!guard.signal.aborted) {
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
    throw guard.failure(e);
  } finally {
    guard.release();
  }
}

function acceptsNdjson(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('application/x-ndjson');
}
