/**
 * `POST /v1/topics/:topic/repair` (role `write`; docs/api.md, docs/diff.md "Repair"), registered
 * beside the diff route (diff-route.ts) under the same bounds: `--diff-limit` on the whole body,
 * the same slots, idle and total timeouts. The body is the snapshot (as for diff) or
 * multipart/form-data with a `keys` part (NDJSON, one JSON string per line, at most
 * LIMITS.repairKeysBytesMax bytes) followed by a `snapshot` part (wire/repair-form.ts), parsed as
 * it streams by @fastify/busboy: the keys are read whole (they are small and bounded), the
 * snapshot is handed to the diff chunk by chunk. At most two parts; an unknown, repeated, missing
 * or misplaced part is a 400 naming it. Options (route-table.ts `REPAIR_QUERY`) are checked before
 * a slot is taken; the repair itself is the store's services' (`servicesFor(store).repair`), with
 * `by` the name of the request's token. Answer: `RepairResult`.
 */
import { once } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BusboyConstructor, BusboyFileStream, BusboyInstance } from '@fastify/busboy';
import { TidemarkError, badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { RepairInclude, RepairResult } from '../model/types';
import { validateTopic } from '../model/validate';
import { checkSnapshotSize } from '../diff/limits';
import { checkOptions } from '../diff/options';
import type { Chunk, SnapshotSource } from '../diff/types';
import { type RepairOptions, servicesFor } from '../services/index';
import { checkRepairOptions, parseKeysNdjson } from '../services/repair-options';
import type { EventStore } from '../store/types';
import { splitList } from '../wire/diff-query';
import { REPAIR_PARTS } from '../wire/repair-form';
import { formatFromContentType, formatFromFileName } from '../wire/snapshot-format';
import { callerName } from './auth';
import type { Query } from './params';
import { queryValues } from './query-schema';
import { REPAIR_QUERY } from './snapshot-query';
import { type UploadGuard, type UploadLimits, diffOptionsOf, guardUpload } from './snapshot-upload';

type RepairRequest = FastifyRequest<{ Params: { topic: string }; Querystring: Query }>;

const SNAPSHOT_TYPES = 'send text/csv, application/json, application/x-ndjson or multipart/form-data';

export async function runRepair(
  req: RepairRequest,
  reply: FastifyReply,
  store: EventStore,
  lim: UploadLimits,
): Promise<RepairResult> {
  const topic = validateTopic(req.params.topic);
  const query = queryValues(REPAIR_QUERY, req.query);
  const { limit, ...diffQuery } = query;
  const opts: RepairOptions = { ...diffOptionsOf(diffQuery), reason: query.reason as string };
  if (query.include !== undefined) opts.include = splitList(query.include, 'include') as RepairInclude[];
  if (query.dryRun !== undefined) opts.dryRun = query.dryRun === 'true';
  if (query.expectMaxSeq !== undefined) opts.expectMaxSeq = query.expectMaxSeq;
  if (query.name !== undefined) opts.name = query.name;
  if (limit !== undefined) opts.limit = limit;
  const by = callerName(req);
  if (by !== null) opts.by = by;
  checkOptions(diffOptionsOf(diffQuery));
  checkRepairOptions(opts);
  const contentType = req.headers['content-type'] ?? '';
  const multipart = /^multipart\/form-data\s*(;|$)/i.test(contentType);
  const format = query.format ?? (multipart ? null : formatFromContentType(contentType));
  if (!multipart && format === null) {
    throw badRequest(`content-type: ${JSON.stringify(contentType)} is not a snapshot type; ${SNAPSHOT_TYPES}`);
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  const size = Number.isFinite(declared) ? declared : null;
  checkSnapshotSize(size, lim.bodyLimit);
  const services = servicesFor(store, lim.tmpDir !== undefined ? { tmpDir: lim.tmpDir } : {});
  const guard = guardUpload(reply, lim, 'repair');
  let form: Form | null = null;
  try {
    let source: SnapshotSource;
    if (multipart) {
      // Loaded when a multipart body arrives: the parser is needed by nothing else.
      const { Busboy } = await import('@fastify/busboy');
      form = new Form(req, guard, Busboy);
      const snap = await form.snapshot();
      if (form.keys !== null) opts.keys = form.keys;
      if (opts.name === undefined && snap.name !== '') opts.name = snap.name;
      const f = format ?? formatFromContentType(snap.mime) ?? formatFromFileName(snap.name);
      if (f === null) {
        throw badRequest(
          `snapshot: the part's type ${JSON.stringify(snap.mime)} and name ${JSON.stringify(snap.name)} name no snapshot format; give format=csv|json|ndjson`,
        );
      }
      source = { format: f, body: snap.body, size: null };
    } else {
      source = { format: format!, body: guard.body(req.body), size };
    }
    return await services.repair(topic, source, opts, { signal: guard.signal });
  } catch (e) {
    throw guard.failure(e);
  } finally {
    form?.close();
    guard.release();
  }
}

interface SnapshotPart {
  name: string;
  mime: string;
  body: AsyncIterable<Chunk>;
}

/**
 * A multipart body being parsed: the request's chunks are pumped into busboy (waiting when the
 * snapshot part is not being read), the keys part is collected, and the snapshot part's chunks
 * are handed out; after its last chunk the rest of the body must be the form's end. Any failure
 * (a bad part, a limit, the upload's own) ends the snapshot's chunks with that error.
 */
class Form {
  keys: string[] | null = null;
  private readonly bb: BusboyInstance;
  private readonly stopPump = new AbortController();
  private fail!: (e: unknown) => void;
  private readonly failed: Promise<never>;
  private readonly finished: Promise<void>;
  private snapshotSeen = false;
  private keysDone: Promise<void> = Promise.resolve();

  constructor(req: RepairRequest, guard: UploadGuard, Busboy: BusboyConstructor) {
    this.failed = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.failed.catch(() => undefined);
    this.bb = Busboy({
      headers: req.headers as { 'content-type': string },
      isPartAFile: () => true,
      limits: { parts: 2, files: 2, fields: 0, headerPairs: 20 },
    });
    this.finished = new Promise<void>((resolve) => this.bb.on('finish', resolve));
    const tooMany = (): void =>
      this.fail(
        badRequest(`body: at most two parts: "${REPAIR_PARTS.keys}" (optional), then "${REPAIR_PARTS.snapshot}"`),
      );
    this.bb.on('partsLimit', tooMany);
    this.bb.on('filesLimit', tooMany);
    this.bb.on('error', (e: unknown) =>
      this.fail(
        badRequest(`body: not well-formed multipart/form-data (${e instanceof Error ? e.message : String(e)})`),
      ),
    );
    void this.pump(guard.body(req.body));
  }

  private async pump(chunks: AsyncIterable<Chunk>): Promise<void> {
    try {
      for await (const chunk of chunks) {
        if (!this.bb.write(chunk)) await once(this.bb, 'drain', { signal: this.stopPump.signal });
      }
      this.bb.end();
    } catch (e) {
      if (!this.stopPump.signal.aborted) this.fail(e);
    }
  }

  /** Resolves with the snapshot part once it starts (the keys, if sent, read whole before it). */
  snapshot(): Promise<SnapshotPart> {
    return new Promise<SnapshotPart>((resolve, reject) => {
      this.failed.catch(reject);
      void this.finished.then(() => {
        if (!this.snapshotSeen)
          reject(
            badRequest(
              `${REPAIR_PARTS.snapshot}: the part is missing (send the snapshot file as part "${REPAIR_PARTS.snapshot}")`,
            ),
          );
      });
      this.bb.on('file', (field: string, stream: BusboyFileStream, filename: string, _enc: string, mime: string) => {
        if (field === REPAIR_PARTS.keys && !this.snapshotSeen && this.keys === null) {
          this.keysDone = this.readKeys(stream);
        } else if (field === REPAIR_PARTS.snapshot && !this.snapshotSeen) {
          this.snapshotSeen = true;
          void this.keysDone.then(
            () => resolve({ name: filename ?? '', mime: mime ?? '', body: this.chunks(stream) }),
            reject,
          );
        } else {
          stream.resume();
          const why =
            field === REPAIR_PARTS.keys || field === REPAIR_PARTS.snapshot
              ? `sent again or after the "${REPAIR_PARTS.snapshot}" part (send "${REPAIR_PARTS.keys}" first, once)`
              : `is not a part of a repair (send "${REPAIR_PARTS.keys}", then "${REPAIR_PARTS.snapshot}")`;
          this.fail(badRequest(`${field}: ${why}`));
        }
      });
    });
  }

  private async readKeys(stream: BusboyFileStream): Promise<void> {
    const parts: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.byteLength;
        if (bytes > LIMITS.repairKeysBytesMax) {
          throw new TidemarkError('TOO_LARGE', `keys: the part is larger than ${LIMITS.repairKeysBytesMax} bytes`);
        }
        parts.push(chunk);
      }
      this.keys = parseKeysNdjson(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(parts)));
    } catch (e) {
      const err = e instanceof TypeError ? badRequest('keys: the part is not UTF-8') : e;
      this.fail(err);
      throw err;
    }
  }

  /** The snapshot part's chunks; after the last, the form must end (no part may follow). */
  private async *chunks(stream: BusboyFileStream): AsyncGenerator<Chunk> {
    const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (;;) {
      const r = await Promise.race([it.next(), this.failed]);
      if (r.done === true) break;
      yield r.value;
    }
    await Promise.race([this.finished, this.failed]);
  }

  /** Stops pumping the request (an answer is being sent; the rest of the body is not needed). */
  close(): void {
    this.stopPump.abort();
    this.bb.removeAllListeners('file');
  }
}
