/**
 * The long operations of the browser's `StoreApi` (http-adapter.ts): the uploads (diff, repair)
 * with upload progress, the surface export saved as a download, and the streamed verify. Each takes
 * the connection's transport, already checked by the adapter for the role and read-only flag the
 * operation needs, and honours the operation's progress callback and Cancel.
 */
import { EXPORT_SURFACE_REQUEST_KEYS } from '../../src-core/model/option-keys';
import type { VerifyResult } from '../../src-core/model/integrity';
import type {
  DiffRequest,
  ExportResult,
  ExportSurfaceRequest,
  LongOperation,
  RepairRequest,
  VerifyRequest,
} from '../../src-core/model/store-api';
import type { DiffResult, RepairResult, TopicInfo } from '../../src-core/model/types';
import { exportFileName } from '../../src-core/export/names';
import { readExportBody } from '../../src-core/export/incoming';
import { exportTotal } from '../../src-core/export/records';
import { diffQuery } from '../../src-core/wire/diff-query';
import { paths } from '../../src-core/wire/paths';
import { queryOf } from '../../src-core/wire/query';
import { repairFormData, repairQuery } from '../../src-core/wire/repair-form';
import { CONTENT_TYPES, resolveFormat } from '../../src-core/wire/snapshot-format';
import type { WireTransport } from '../../src-core/wire/transport';
import { verifyOverWire } from '../../src-core/wire/verify-stream';
import { startCancellable } from './cancel';
import { saveBlob } from './download';
import { toApiError } from './errors';
import { uploadJson } from './upload';

/** `POST …/diff` with the snapshot file as the body, reporting upload progress. */
export function diffOverHttp(
  t: WireTransport,
  topic: string,
  req: DiffRequest,
  op: LongOperation,
): Promise<DiffResult> {
  const format = resolveFormat(req.format, req.fileName);
  const { keyField, fields, ignore, limit, asOfTxn, map, tolerance, normalise } = req;
  const query = diffQuery({ keyField, fields, ignore, limit, asOfTxn, map, tolerance, normalise });
  return uploadJson<DiffResult>({
    url: t.url(paths.diff(topic), query),
    base: t.baseUrl,
    headers: t.authHeaders(),
    body: req.file,
    contentType: CONTENT_TYPES[format],
    onProgress: op.onProgress,
    signal: startCancellable(op),
  });
}

/**
 * `POST …/repair`: the snapshot is the body; with chosen keys, a multipart body of the `snapshot`
 * file and the `keys` NDJSON.
 */
export function repairOverHttp(
  t: WireTransport,
  topic: string,
  req: RepairRequest,
  op: LongOperation,
): Promise<RepairResult> {
  const format = resolveFormat(req.format, req.fileName);
  const { file, fileName, keys, format: _format, ...opts } = req;
  // A multipart body names the format in the query (the part's media type is not relied on).
  const query = repairQuery({
    ...opts,
    format: keys !== undefined ? format : undefined,
    name: fileName || undefined,
  });
  const body = keys !== undefined ? repairFormData(keys, file, fileName || 'snapshot') : file;
  return uploadJson<RepairResult>({
    url: t.url(paths.repair(topic), query),
    base: t.baseUrl,
    headers: t.authHeaders(),
    body,
    contentType: CONTENT_TYPES[format],
    onProgress: op.onProgress,
    signal: startCancellable(op),
    what: req.dryRun ? 'The repair preview' : 'The repair',
    serverPhase: req.dryRun ? 'previewing' : 'repairing',
  });
}

/** Bytes of an export gathered before they are handed to the browser as a Blob of their own. */
const EXPORT_BLOB_PART_BYTES = 16 * 1024 * 1024;

/**
 * `GET …/surface/export`, saved as a download named by export/names.ts. The export is read as it
 * arrives (src-core/export/incoming.ts, as every HTTP client reads one): its rows are counted as they pass
 * and reported as progress (out of the topic's key count when its counters say it), its bytes are
 * handed to the browser in Blobs of 16 MiB (which it may keep on disk; the text is never held as
 * one string), a transfer cut off mid-record is refused, and Cancel stops it (CANCELLED, nothing
 * saved).
 */
export async function exportSurfaceOverHttp(
  t: WireTransport,
  topic: string,
  req: ExportSurfaceRequest,
  op: LongOperation,
): Promise<ExportResult> {
  const what = 'Exporting the surface';
  const signal = startCancellable(op);
  const total = exportTotal(req, op, () => t.json<TopicInfo>('GET', paths.topic(topic), { what, signal }));
  try {
    const [res, known] = await Promise.all([
      t.send('GET', paths.surfaceExport(topic), { query: queryOf(req, EXPORT_SURFACE_REQUEST_KEYS), signal, what }),
      total,
    ]);
    op.onProgress?.({ done: 0, total: known, unit: 'rows', phase: 'downloading' });
    const body = readExportBody(res.body ?? new Blob([]).stream(), req.format, t.url(''), signal);
    const blobs: Blob[] = [];
    let parts: Uint8Array<ArrayBuffer>[] = [];
    let pending = 0;
    for await (const chunk of body) {
      parts.push(chunk.bytes);
      pending += chunk.bytes.byteLength;
      if (pending >= EXPORT_BLOB_PART_BYTES) {
        blobs.push(new Blob(parts));
        parts = [];
        pending = 0;
      }
      op.onProgress?.({ done: body.rows, total: known, unit: 'rows', phase: 'downloading' });
    }
    blobs.push(new Blob(parts));
    const name = exportFileName(topic, 'surface', req.format);
    saveBlob(new Blob(blobs, { type: res.headers.get('content-type') ?? '' }), name);
    return { savedAs: name, rows: body.rows };
  } catch (err) {
    throw toApiError(err, what);
  }
}

/** `GET …/verify` through wire/verify-stream.ts: its progress lines, the signal and Cancel honoured. */
export async function verifyOverHttp(
  t: WireTransport,
  topic: string,
  req: VerifyRequest,
  op: LongOperation,
): Promise<VerifyResult> {
  try {
    return await verifyOverWire(t, topic, {
      ...(req.expectHead !== undefined ? { expectHead: req.expectHead } : {}),
      signal: startCancellable(op),
      onProgress: (p) => op.onProgress?.({ done: p.txns, total: p.totalTxns, unit: 'txns', phase: 'verifying' }),
    });
  } catch (err) {
    throw toApiError(err, 'Verifying the topic');
  }
}
