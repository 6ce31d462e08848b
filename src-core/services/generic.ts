/**
 * The generic `StoreServices` over any `EventStore`: the work runs in this process, through the
 * store's public methods only (preview.ts, republish.ts, diff/, repair.ts, export/surface.ts, sample.ts). The surface export
 * reads pages of 10,000 rows, each awaited, so the caller's event loop keeps running.
 */
import { LIMITS } from '../model/limits';
import type { ExportSurfaceRequest, LongOperation } from '../model/store-api';
import type { SurfaceOptions } from '../model/types';
import { diffSnapshot } from '../diff/index';
import type { DiffOptions } from '../diff/types';
import { exportCancelled } from '../export/incoming';
import { exportTotal } from '../export/records';
import { SURFACE_CSV_HEADER, surfaceRowsText, surfaceTextRowsText } from '../export/surface';
import { textReadsOf } from '../store/text-reads';
import type { EventStore } from '../store/types';
import { previewInvalidation } from './preview';
import { repairFromDiff } from './repair';
import { previewRepublish, republish } from './republish';
import { loadSampleData } from './sample';
import type { StoreServices, SurfaceExport } from './types';

export interface GenericServicesConfig {
  /** Where diffs spill their snapshot (default: the OS temp directory). */
  tmpDir?: string;
}

export function createGenericServices(store: EventStore, config: GenericServicesConfig = {}): StoreServices {
  const place: Pick<DiffOptions, 'tmpDir'> = {};
  if (config.tmpDir !== undefined) place.tmpDir = config.tmpDir;
  return {
    previewInvalidation: (topic, txn, limit) => previewInvalidation(store, topic, txn, limit),
    previewRepublish: (topic, txn, limit) => previewRepublish(store, topic, txn, limit),
    republish: (topic, txn, opts) => republish(store, topic, txn, opts),
    diff: (topic, source, opts = {}, op = {}) => diffSnapshot(store, topic, source, { ...opts, ...place }, op),
    repair: (topic, source, opts, op = {}) => repairFromDiff(store, topic, source, opts, op, place),
    exportSurface: (topic, req, op = {}) => exportSurface(store, topic, req, op),
    loadSample: (observer) => loadSampleData(store, observer),
  };
}

/** A page of an export: its row count, the cursor after it, and the text of its rows `a` to `b` (exclusive). */
interface ExportPage {
  rows: number;
  next: string | null;
  text: (a: number, b: number) => string;
}

/**
 * Rows written out per piece of text: a page of 10,000 rows written as one string (megabytes,
 * flattened and encoded whole) cost the server more in garbage collection than in writing it
 * (docs/bench.md, "Reads", fourth pass); pieces this small stay in the young generation.
 */
const EXPORT_PIECE_ROWS = 256;

async function exportSurface(
  store: EventStore,
  topic: string,
  req: ExportSurfaceRequest,
  op: LongOperation,
): Promise<SurfaceExport> {
  const opts: SurfaceOptions = { limit: LIMITS.pageMax };
  if (req.view !== undefined) opts.view = req.view;
  if (req.prefix !== undefined) opts.prefix = req.prefix;
  if (req.asOfTxn !== undefined) opts.asOfTxn = req.asOfTxn;
  // Pages are written from the stored data text when the store gives it (store/text-reads.ts),
  // a piece of EXPORT_PIECE_ROWS rows at a time.
  const texts = textReadsOf(store);
  const page = async (o: SurfaceOptions): Promise<ExportPage> => {
    if (texts !== null) {
      const p = await texts.surfaceText(topic, o);
      return { rows: p.rows.length, next: p.next, text: (a, b) => surfaceTextRowsText(p.rows.slice(a, b), req.format) };
    }
    const p = await store.surface(topic, o);
    return { rows: p.rows.length, next: p.next, text: (a, b) => surfaceRowsText(p.rows.slice(a, b), req.format) };
  };
  const first = await page(opts);
  const total = await exportTotal(req, op, () => store.topicInfo(topic));
  const state = { rows: 0 };
  async function* text(): AsyncGenerator<string> {
    if (req.format === 'csv') yield SURFACE_CSV_HEADER;
    let p = first;
    for (;;) {
      if (op.signal?.aborted) throw exportCancelled();
      for (let i = 0; i < p.rows; i += EXPORT_PIECE_ROWS) yield p.text(i, i + EXPORT_PIECE_ROWS);
      state.rows += p.rows;
      op.onProgress?.({ done: state.rows, total, unit: 'rows', phase: 'exporting' });
      if (p.next === null) return;
      p = await page({ ...opts, after: p.next });
    }
  }
  const it = text();
  return {
    get rows() {
      return state.rows;
    },
    total,
    [Symbol.asyncIterator]: () => it,
  };
}
