/**
 * The generic `StoreServices` over any `EventStore`: the work runs in this process, through the
 * store's public methods only (preview.ts, republish.ts, diff/, repair.ts, export/surface.ts, sample.ts). The surface export
 * reads pages of 10,000 rows, each awaited, so the caller's event loop keeps running.
 */
import { TidemarkError } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { ExportSurfaceRequest, LongOperation } from '../model/store-api';
import type { SurfaceOptions, SurfacePage } from '../model/types';
import { diffSnapshot } from '../diff/index';
import type { DiffOptions } from '../diff/types';
import { SURFACE_CSV_HEADER, surfaceRowsText } from '../export/surface';
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

/** The row count an export will have, when one counter says it: the valid view of a whole topic. */
export function knownExportTotal(req: ExportSurfaceRequest): boolean {
  return (req.view ?? 'valid') === 'valid' && req.prefix === undefined && req.asOfTxn === undefined;
}

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
  const first = await store.surface(topic, opts);
  let total: number | null = null;
  if (op.onProgress !== undefined && knownExportTotal(req)) {
    total = await store.topicInfo(topic).then(
      (t) => t.keys,
      () => null,
    );
  }
  const state = { rows: 0 };
  async function* text(): AsyncGenerator<string> {
    if (req.format === 'csv') yield SURFACE_CSV_HEADER;
    let page: SurfacePage = first;
    for (;;) {
      if (op.signal?.aborted) throw new TidemarkError('CANCELLED', 'export cancelled');
      if (page.rows.length > 0) yield surfaceRowsText(page.rows, req.format);
      state.rows += page.rows.length;
      op.onProgress?.({ done: state.rows, total, unit: 'rows', phase: 'exporting' });
      if (page.next === null) return;
      page = await store.surface(topic, { ...opts, after: page.next });
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
