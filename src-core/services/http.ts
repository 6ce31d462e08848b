/**
 * The HTTP `StoreServices` over an `HttpEventStore`: each operation is one call of the server's
 * own route, so the work runs next to the data (docs/http.md). `previewInvalidation` is one
 * `GET …/txns/{txn}/preview-invalidate` (not a read per touched key), and the re-publish ones
 * `GET …/preview-republish` and `POST …/republish` (republish.ts runs on the server); `diff` streams the snapshot
 * to `POST …/diff` (http-diff.ts) and `repair` to `POST …/repair` (http-repair.ts); `exportSurface` streams `GET …/surface/export` and counts the
 * rows as the text goes by (CSV records, not lines: a quoted cell may hold a newline), reporting
 * progress in rows and ending with CANCELLED on abort, or with UNAVAILABLE when the transfer stops
 * before the end of a record; `loadSample` is `POST /v1/sample`. Paths and queries are the wire's
 * (src-core/wire/), as for every HTTP client. Arguments are checked here with the
 * same checks as the generic implementation, so a bad one fails alike on every path and is never
 * sent.
 */
import type {
  ExportSurfaceRequest,
  InvalidatePreview,
  LongOperation,
  RepublishPreview,
  RepublishResult,
} from '../model/store-api';
import { byNotAccepted, validateLimit, validatePositiveInt, validateTopic } from '../model/validate';
import type { HttpEventStore } from '../store/http/index';
import { EXPORT_SURFACE_REQUEST_KEYS } from '../model/option-keys';
import { exportCancelled, readExportBody } from '../export/incoming';
import { exportTotal } from '../export/records';
import { paths } from '../wire/paths';
import { queryOf } from '../wire/query';
import type { WireRequestInit } from '../wire/transport';
import { httpDiff } from './http-diff';
import { httpRepair } from './http-repair';
import type { StoreServices, SurfaceExport } from './types';

export function createHttpServices(store: HttpEventStore): StoreServices {
  const t = store.transport;
  return {
    async previewInvalidation(topic, txn, limit) {
      validateTopic(topic);
      validatePositiveInt(txn, 'txn');
      const query = { limit: validateLimit(limit) };
      return t.json<InvalidatePreview>('GET', paths.previewInvalidate(topic, txn), { query });
    },
    async previewRepublish(topic, txn, limit) {
      validateTopic(topic);
      validatePositiveInt(txn, 'txn');
      const query = { limit: validateLimit(limit) };
      return t.json<RepublishPreview>('GET', paths.previewRepublish(topic, txn), { query });
    },
    async republish(topic, txn, opts = {}) {
      validateTopic(topic);
      validatePositiveInt(txn, 'txn');
      if (opts.by !== undefined && opts.by !== null) throw byNotAccepted('by');
      const body: { note?: string; expectMaxSeq?: number } = {};
      if (opts.note !== undefined) body.note = opts.note;
      if (opts.expectMaxSeq !== undefined) body.expectMaxSeq = opts.expectMaxSeq;
      return t.json<RepublishResult>('POST', paths.republish(topic, txn), { body });
    },
    diff: (topic, source, opts, op) => httpDiff(t, topic, source, opts, op),
    repair: (topic, source, opts, op) => httpRepair(t, topic, source, opts, op),
    exportSurface: (topic, req, op) => exportSurface(store, topic, req, op),
    loadSample: () => t.json<{ topic: string }>('POST', paths.sample()),
  };
}

async function exportSurface(
  store: HttpEventStore,
  topic: string,
  req: ExportSurfaceRequest,
  op: LongOperation = {},
): Promise<SurfaceExport> {
  validateTopic(topic);
  if (op.signal?.aborted === true) throw exportCancelled();
  const t = store.transport;
  // The row count, when progress is wanted and one counter says it (asked beside the export).
  const total = exportTotal(req, op, () => store.topicInfo(topic));
  const init: WireRequestInit = { method: 'GET', query: queryOf(req, EXPORT_SURFACE_REQUEST_KEYS) };
  if (op.signal !== undefined) init.signal = op.signal;
  const res = await t.fetch(paths.surfaceExport(topic), init);
  if (!res.ok || res.body === null) {
    await total;
    throw await t.errorFrom(res);
  }
  const known = await total;
  const body = readExportBody(res.body, req.format, t.url(''), op.signal);
  const chunks = body[Symbol.asyncIterator]();
  // The export's text, chunk by chunk; giving up at any point lets the body go (export/incoming.ts).
  const iterator: AsyncIterator<string> = {
    async next() {
      for (;;) {
        const r = await chunks.next();
        if (r.done === true) return { done: true, value: undefined };
        op.onProgress?.({ done: body.rows, total: known, unit: 'rows', phase: 'exporting' });
        if (r.value.text !== '') return { done: false, value: r.value.text };
      }
    },
    async return() {
      await chunks.return?.();
      return { done: true, value: undefined };
    },
  };
  return {
    get rows() {
      return body.rows;
    },
    total: known,
    [Symbol.asyncIterator]: () => iterator,
  };
}
