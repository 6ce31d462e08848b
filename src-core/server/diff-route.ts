/**
 * `POST /v1/topics/:topic/diff` (API.md, "Snapshot upload for diff"), registered by the server
 * through `registerDiffRoute(app, store)`. Inside an encapsulated plugin, text/csv,
 * application/json and application/x-ndjson bodies are handed over as the raw request stream (not
 * buffered, not JSON-parsed) and parsed as they arrive; the route has its own body limit (1 GiB by
 * default, TIDEMARK_DIFF_BODY_LIMIT or the `bodyLimit` option), checked against Content-Length up
 * front and counted while reading. Query: key, fields, ignore (comma lists), limit, format
 * (overrides the Content-Type), asOfTxn, includeEqual. With `Accept: application/x-ndjson` every
 * row is streamed as `{"row":DiffRow}` lines and a last `{"summary","truncated"}` line (or
 * `{"error"}` if the diff fails after rows were sent). A closed connection cancels the diff.
 * Auth (read role) is the server's.
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TidemarkError, badRequest, toErrorBody } from '../model/errors';
import { stringifyJson } from '../model/json-text';
import { validateTopic } from '../model/validate';
import type { DiffRow } from '../model/types';
import type { EventStore } from '../store/types';
import { DiffRowWriter } from '../diff/export';
import { formatFromContentType, parseSnapshotFormat } from '../diff/format';
import { diffSnapshot } from '../diff/index';
import { splitList } from '../diff/options';
import type { Chunk, DiffOptions } from '../diff/types';
import { type Query, oneParam } from './params';

export const DIFF_BODY_LIMIT_DEFAULT = 1024 * 1024 * 1024;

export interface DiffRouteOptions {
  /** Largest snapshot accepted, in bytes. Default: TIDEMARK_DIFF_BODY_LIMIT, else 1 GiB. */
  bodyLimit?: number;
  /** Directory for the diff's temporary spill file (default: the OS temp directory). */
  tmpDir?: string;
}

export function registerDiffRoute(app: FastifyInstance, store: EventStore, opts: DiffRouteOptions = {}): void {
  const bodyLimit = opts.bodyLimit ?? envLimit() ?? DIFF_BODY_LIMIT_DEFAULT;
  void app.register((scope, _o, done) => {
    // Only in this scope: every body arrives as the raw stream, whatever its type (the handler
    // rejects types it does not know with a message, rather than Fastify's 415).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req: FastifyRequest, payload: IncomingMessage, next) => next(null, payload));
    scope.post<{ Params: { topic: string }; Querystring: Query }>('/v1/topics/:topic/diff', (req, reply) =>
      handle(req, reply, store, bodyLimit, opts.tmpDir),
    );
    done();
  });
}

async function handle(
  req: FastifyRequest<{ Params: { topic: string }; Querystring: Query }>,
  reply: FastifyReply,
  store: EventStore,
  bodyLimit: number,
  tmpDir: string | undefined,
): Promise<unknown> {
  const topic = validateTopic(req.params.topic);
  const q = req.query;
  const fmt = oneParam(q, 'format');
  const format = fmt !== undefined ? parseSnapshotFormat(fmt) : formatFromContentType(req.headers['content-type']);
  if (format === null) {
    throw badRequest(
      `content-type: ${JSON.stringify(req.headers['content-type'] ?? '')} is not a snapshot type; send text/csv, application/json or application/x-ndjson`,
    );
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > bodyLimit) throw tooLarge(bodyLimit);
  const opts: DiffOptions = parseQuery(q);
  if (tmpDir !== undefined) opts.tmpDir = tmpDir;
  const body = isReadable(req.body) ? (req.body as AsyncIterable<Chunk>) : empty();

  const ac = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  const source = { format, body: limitBytes(body, bodyLimit), size: Number.isFinite(declared) ? declared : null };

  if (!acceptsNdjson(req)) {
    const result = await diffSnapshot(store, topic, source, opts, { signal: ac.signal });
    return reply.type('application/json; charset=utf-8').send(result);
  }

  // Streaming: nothing is sent until the first row, so a bad snapshot still gets a plain 400.
  let writer: DiffRowWriter | null = null;
  const start = (): DiffRowWriter => {
    const out = new PassThrough();
    void reply.type('application/x-ndjson; charset=utf-8').send(out);
    return new DiffRowWriter('ndjson', out, (row: DiffRow) => stringifyJson({ row }) + '\n');
  };
  opts.onRow = (row) => (writer ??= start()).write(row);
  opts.limit = 0;
  try {
    const result = await diffSnapshot(store, topic, source, opts, { signal: ac.signal });
    writer ??= start();
    await writer.text(JSON.stringify({ summary: result.summary, truncated: false }) + '\n');
    await writer.end();
  } catch (e) {
    if (writer === null) throw e;
    if (!ac.signal.aborted) {
      req.log.error({ err: e }, 'diff failed while streaming');
      await writer.text(JSON.stringify({ error: toErrorBody(e) }) + '\n');
      await writer.end();
    }
  }
  return reply;
}

function parseQuery(q: Query): DiffOptions {
  const opts: DiffOptions = {};
  const key = oneParam(q, 'key');
  if (key !== undefined) opts.keyField = key;
  const fields = oneParam(q, 'fields');
  if (fields !== undefined) opts.fields = splitList(fields, 'fields');
  const ignore = oneParam(q, 'ignore');
  if (ignore !== undefined) opts.ignore = splitList(ignore, 'ignore');
  const limit = oneParam(q, 'limit');
  if (limit !== undefined) opts.limit = intParam(limit, 'limit');
  const asOf = oneParam(q, 'asOfTxn');
  if (asOf !== undefined) opts.asOfTxn = intParam(asOf, 'asOfTxn');
  const eq = oneParam(q, 'includeEqual');
  if (eq !== undefined) {
    if (eq !== 'true' && eq !== 'false') throw badRequest('includeEqual: must be true or false');
    opts.includeEqual = eq === 'true';
  }
  return opts;
}

function intParam(v: string, name: string): number {
  if (!/^\d{1,15}$/.test(v)) throw badRequest(`${name}: must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

function acceptsNdjson(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('application/x-ndjson');
}

function isReadable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Symbol.asyncIterator in v;
}

async function* empty(): AsyncGenerator<Chunk> {}

/** Passes chunks through, failing with TOO_LARGE once more than `limit` bytes arrived. */
async function* limitBytes(body: AsyncIterable<Chunk>, limit: number): AsyncGenerator<Chunk> {
  let total = 0;
  for await (const chunk of body) {
    total += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (total > limit) throw tooLarge(limit);
    yield chunk;
  }
}

function tooLarge(limit: number): TidemarkError {
  return new TidemarkError('TOO_LARGE', `body: the snapshot is larger than the diff limit of ${limit} bytes`);
}

function envLimit(): number | undefined {
  const raw = process.env.TIDEMARK_DIFF_BODY_LIMIT;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw badRequest('TIDEMARK_DIFF_BODY_LIMIT: must be a positive integer (bytes)');
  return n;
}
