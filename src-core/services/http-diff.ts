/**
 * The HTTP implementation's diff: the snapshot is streamed to the server's diff route
 * (`POST /v1/topics/{topic}/diff`, docs/diff.md "HTTP"), which runs the diff next to the data, so
 * the remote surface is never pulled page by page. Options go in the query (key, fields, ignore,
 * limit, asOfTxn, includeEqual, map, tolerance, normalise), the format as the Content-Type, the size (when known) as
 * Content-Length, so the server can refuse an oversized snapshot before a byte is sent. With
 * `onRow` the answer is asked for as NDJSON (`Accept: application/x-ndjson`): every row arrives
 * (read only as fast as `onRow` takes them), `rows` keeps the first `limit`, as the generic diff
 * does. Options are checked here with the diff's own checks first, so a bad option fails the same
 * way on every path and before anything is sent; the query is the wire's (src-core/wire/diff-query.ts:
 * a field name the route's comma list cannot carry is refused, never sent rewritten). Progress: bytes sent (phase `upload`); an aborted signal ends
 * the upload or the answer with CANCELLED.
 */
import { TidemarkError, badRequest, errorFromEnvelope } from '../model/errors';
import type { LongOperation } from '../model/store-api';
import type { DiffAsOf, DiffResult, DiffRow, DiffSummary } from '../model/types';
import { validateTopic } from '../model/validate';
import { CONTENT_TYPES, parseSnapshotFormat } from '../diff/format';
import { checkOptions } from '../diff/options';
import { Pacer, cancelled } from '../diff/pacer';
import type { Chunk, SnapshotSource } from '../diff/types';
import type { HttpTransport } from '../store/http/transport';
import { answerLines, cutOff, readAnswerText } from '../wire/body-read';
import { diffQuery } from '../wire/diff-query';
import { paths } from '../wire/paths';
import type { Query } from '../wire/query';
import type { WireRequestInit } from '../wire/transport';
import type { ServiceDiffOptions } from './types';

/** Names the diff's answer in the message of one that is too long. */
const DIFF_WHAT = 'The diff';

export async function httpDiff(
  t: HttpTransport,
  topic: string,
  source: SnapshotSource,
  opts: ServiceDiffOptions = {},
  op: LongOperation = {},
): Promise<DiffResult> {
  validateTopic(topic);
  const format = parseSnapshotFormat(source.format);
  const limit = checkOptions(opts).limit;
  const streaming = opts.onRow !== undefined;
  // Streaming, the route sends every row and ignores `limit`; the rows kept are counted here.
  const query = diffQuery({ ...opts, limit: streaming ? undefined : opts.limit });
  const size = source.size ?? null;
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPES[format] };
  if (streaming) headers.accept = 'application/x-ndjson';
  const post = { path: paths.diff(topic), body: source.body, size, headers, query, source: source.body };
  return postSnapshot(t, post, op, async (res) =>
    streaming ? readRows(t, res.body!, limit, opts.onRow!) : resultOf(t, await readAnswerText(res, DIFF_WHAT)),
  );
}

/** A snapshot upload to a route (diff, repair): what is sent. */
export interface SnapshotPost {
  path: string;
  /** The request body (the snapshot, or a form holding it). */
  body: AsyncIterable<Chunk>;
  size: number | null;
  headers: Record<string, string>;
  query: Query;
  /** The snapshot's own body: destroyed on abort, so a stalled read of a file or pipe ends too. */
  source: AsyncIterable<Chunk>;
}

/**
 * Streams `post.body` to its route (progress in bytes, phase `upload`; CANCELLED on abort), and
 * reads a 200 answer with `read`; any other status is thrown as the server's error. A failure
 * reading the snapshot is the error reported, not the connection's; an answer cut off is
 * UNAVAILABLE (`cutOff`).
 */
export async function postSnapshot<T>(
  t: HttpTransport,
  post: SnapshotPost,
  op: LongOperation,
  read: (res: Response) => Promise<T>,
): Promise<T> {
  const pacer = new Pacer(op);
  pacer.check();
  const { size } = post;
  const headers = { ...post.headers };
  if (size !== null) headers['content-length'] = String(size);
  const upload = new Upload(post.body, size, (sent, done) => {
    const p = { done: sent, total: done ? sent : size, unit: 'bytes' as const, phase: 'upload' };
    if (done) pacer.flush(p);
    else pacer.progress(p);
  });
  // A stalled read of the snapshot (a file, a pipe) ends on abort too.
  const stop = pacer.onAbort(post.source);
  try {
    const init: WireRequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers,
      body: upload.stream,
      duplex: 'half',
      query: post.query,
    };
    if (op.signal !== undefined) init.signal = op.signal;
    let res: Response;
    try {
      res = await t.fetch(post.path, init);
    } catch (e) {
      // Reading the snapshot failed (a bad file, over a size limit): that is the error to report.
      if (op.signal?.aborted === true) throw cancelled();
      throw upload.failure ?? e;
    }
    if (res.status !== 200 || res.body === null) throw await t.errorFrom(res);
    try {
      return await read(res);
    } catch (e) {
      if (op.signal?.aborted === true) throw cancelled();
      if (e instanceof TidemarkError) throw e;
      throw cutOff(t.url(''), e);
    }
  } finally {
    stop();
    upload.release();
  }
}

/**
 * The snapshot as a request body stream, counting the bytes handed to the connection. A body
 * that turns out longer or shorter than its declared size (a file that changed while being sent)
 * is a BAD_REQUEST saying so, not a connection error. `release` stops the snapshot's reader when
 * the request ended before reading it all (a refusal, a cancel).
 */
class Upload {
  readonly stream: ReadableStream<Uint8Array>;
  failure: unknown = null;
  private sent = 0;
  private ended = false;
  private readonly it: AsyncIterator<Chunk>;

  constructor(body: AsyncIterable<Chunk>, size: number | null, onSent: (sent: number, done: boolean) => void) {
    const it = (this.it = body[Symbol.asyncIterator]());
    const encoder = new TextEncoder();
    this.stream = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          const r = await it.next();
          if (r.done === true) {
            this.ended = true;
            if (size !== null && this.sent !== size) throw sizeChanged(size, this.sent);
            onSent(this.sent, true);
            controller.close();
            return;
          }
          const bytes = typeof r.value === 'string' ? encoder.encode(r.value) : r.value;
          this.sent += bytes.byteLength;
          if (size !== null && this.sent > size) throw sizeChanged(size, this.sent);
          onSent(this.sent, false);
          controller.enqueue(bytes);
        } catch (e) {
          this.ended = true;
          this.failure = e;
          controller.error(e);
        }
      },
      cancel: () => this.release(),
    });
  }

  release(): void {
    if (this.ended) return;
    this.ended = true;
    this.it.return?.().catch(() => undefined);
  }
}

function sizeChanged(size: number, sent: number): TidemarkError {
  const what = sent > size ? `more than` : `only ${sent} of`;
  return badRequest(`snapshot: it has ${what} its declared ${size} bytes (did the file change while being sent?)`);
}

function resultOf(t: HttpTransport, text: string): DiffResult {
  try {
    return JSON.parse(text) as DiffResult;
  } catch {
    throw malformed(t);
  }
}

/** The NDJSON answer: `{"row"}` lines, then `{"summary","truncated","asOf"}` (or `{"error"}`). */
async function readRows(
  t: HttpTransport,
  body: ReadableStream<Uint8Array>,
  limit: number,
  onRow: NonNullable<ServiceDiffOptions['onRow']>,
): Promise<DiffResult> {
  const rows: DiffRow[] = [];
  let truncated = false;
  for await (const line of answerLines(body, DIFF_WHAT)) {
    if (line === '') continue;
    const error = errorFromEnvelope(line);
    if (error !== null) throw error;
    let msg: { row?: DiffRow; summary?: DiffSummary; asOf?: DiffAsOf };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      throw malformed(t);
    }
    if (msg.row !== undefined) {
      if (rows.length < limit) rows.push(msg.row);
      else truncated = true;
      await onRow(msg.row);
    } else if (msg.summary !== undefined && msg.asOf !== undefined) {
      return { summary: msg.summary, rows, truncated, asOf: msg.asOf };
    } else {
      throw malformed(t);
    }
  }
  throw new TidemarkError('UNAVAILABLE', `the server at ${t.url('')} ended the diff without a summary`);
}

function malformed(t: HttpTransport): TidemarkError {
  return new TidemarkError('INTERNAL', `the server at ${t.url('')} answered the diff with malformed JSON`);
}
