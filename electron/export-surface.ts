/**
 * Writes every row of a topic's surface to a file as CSV or NDJSON — the formats of
 * src-core/export/surface.ts, the same as the server's `GET /v1/topics/{topic}/surface/export` (CSV
 * header `key,seq,txn,hash,time,invalid,data`, `data` as canonical JSON, cells safe to open in a
 * spreadsheet). Pages of 10,000 rows follow the key cursor; each page is awaited, so
 * the caller's event loop keeps running, and writes respect back-pressure. Reports progress in
 * rows (total = the topic's key count for the valid view, unknown otherwise), stops with CANCELLED
 * when the signal aborts, and writes to a temporary file renamed into place only on success, so a
 * failed or cancelled export leaves no partial file behind.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { TidemarkError } from '../src-core/model/errors';
import { LIMITS } from '../src-core/model/limits';
import type { ExportSurfaceRequest, LongOperation } from '../src-core/model/store-api';
import type { SurfaceOptions } from '../src-core/model/types';
import type { EventStore } from '../src-core/store/types';
import { SURFACE_CSV_HEADER, surfaceRowsText } from '../src-core/export/surface';

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TidemarkError('CANCELLED', 'export cancelled');
}

/** Writes the export to `file`; returns the number of rows written. */
export async function exportSurfaceToFile(
  store: EventStore,
  topic: string,
  req: ExportSurfaceRequest,
  file: string,
  op: Pick<LongOperation, 'onProgress' | 'signal'> = {},
): Promise<number> {
  const opts: SurfaceOptions = { limit: LIMITS.pageMax };
  if (req.view !== undefined) opts.view = req.view;
  if (req.prefix !== undefined) opts.prefix = req.prefix;
  if (req.asOfTxn !== undefined) opts.asOfTxn = req.asOfTxn;
  // First page before anything is created: a bad topic or option fails cleanly.
  let page = await store.surface(topic, opts);
  let total: number | null = null;
  if ((req.view ?? 'valid') === 'valid' && req.prefix === undefined && req.asOfTxn === undefined) {
    total = await store.topicInfo(topic).then(
      (t) => t.keys,
      () => null,
    );
  }
  const tmp = `${file}.partial-${process.pid}`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  let rows = 0;
  try {
    if (req.format === 'csv') await write(SURFACE_CSV_HEADER);
    for (;;) {
      checkAborted(op.signal);
      await write(surfaceRowsText(page.rows, req.format));
      rows += page.rows.length;
      op.onProgress?.({ done: rows, total, unit: 'rows', phase: 'exporting' });
      if (page.next === null) break;
      page = await store.surface(topic, { ...opts, after: page.next });
    }
    out.end();
    await once(out, 'finish');
    checkAborted(op.signal);
    await rename(tmp, file);
    return rows;
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}
