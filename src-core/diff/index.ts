/**
 * `diffSnapshot`: the surface of a topic compared key by key with an upstream snapshot. The
 * snapshot is parsed as a stream and spilled into a temporary SQLite table (spill.ts), then merged
 * in key order with the store's surface, read in pages of 10,000 (`compareKeys` order on both
 * sides), so a million records need neither a million objects in memory nor a frozen event loop:
 * the work yields every ~25 ms, honours an AbortSignal (CANCELLED) and reports progress (bytes
 * while loading, rows while comparing). The temp file is always removed. Rows: the first `limit`
 * non-equal rows in key order (equal rows only with `includeEqual`); `onRow` sees all of them.
 */
import { TidemarkError, hasErrorCode } from '../model/errors';
import { compareKeys } from '../model/canonical';
import { validateTopic } from '../model/validate';
import type { Progress } from '../model/store-api';
import type { DiffResult, DiffRow, DiffSummary, JsonValue, SurfacePage, SurfaceRow } from '../model/types';
import type { EventStore } from '../store/types';
import { type CompareSpec, differingFields, storeFields } from './compare';
import { checkCsvColumns, checkOptions, recordKey } from './options';
import { parseSnapshot } from './parse';
import { SnapshotSpill, type SpillRow } from './spill';
import type { DiffOptions, SnapshotSource } from './types';

export type { DiffOptions, SnapshotSource, SnapshotRecord, Chunk } from './types';
export { DIFF_ROWS_MAX } from './types';

const BATCH = 5_000;
const SLICE_MS = 25;
const PROGRESS_MS = 100;

export interface DiffOperation {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export async function diffSnapshot(
  store: EventStore,
  topic: string,
  source: SnapshotSource,
  opts: DiffOptions,
  op: DiffOperation = {},
): Promise<DiffResult> {
  validateTopic(topic);
  const o = checkOptions(opts);
  const spec: CompareSpec = { keyField: o.keyField, fields: o.fields, ignore: o.ignore, csv: source.format === 'csv' };
  const pacer = new Pacer(op);
  pacer.check();
  const spill = new SnapshotSpill(opts.tmpDir);
  try {
    await load(spill, source, spec, pacer);
    return await merge(spill, store, topic, spec, o, opts.onRow, pacer);
  } finally {
    spill.close();
  }
}

/** Parses the snapshot into the spill in batches. */
async function load(spill: SnapshotSpill, source: SnapshotSource, spec: CompareSpec, pacer: Pacer): Promise<void> {
  let bytes = 0;
  const total = source.size ?? null;
  const progress = (): void => pacer.progress({ done: bytes, total, unit: 'bytes', phase: 'load' });
  const records = parseSnapshot(source, {
    onBytes: (b) => {
      bytes = b;
      pacer.check();
    },
    onHeader: (columns) => checkCsvColumns(columns, spec),
  });
  // Abort also interrupts a stalled upload: destroy a stream source on abort.
  const stop = pacer.onAbort(source.body);
  try {
    let batch: SpillRow[] = [];
    for await (const r of records) {
      const where = r.line === undefined ? `record ${r.n}` : `record ${r.n} (line ${r.line})`;
      const key = recordKey(r.record, spec.keyField, where);
      batch.push({ key, n: r.n, line: r.line ?? null, rec: JSON.stringify(r.record) });
      if (batch.length >= BATCH || ((r.n & 255) === 0 && pacer.due())) {
        pacer.check();
        spill.add(batch);
        batch = [];
        if (pacer.due()) {
          progress();
          await pacer.yield();
        }
      }
    }
    pacer.check();
    spill.add(batch);
    progress();
    pacer.flush({ done: bytes, total: total ?? bytes, unit: 'bytes', phase: 'load' });
  } finally {
    stop();
  }
}

/** The sorted merge of the spill with the surface pages. */
async function merge(
  spill: SnapshotSpill,
  store: EventStore,
  topic: string,
  spec: CompareSpec,
  o: ReturnType<typeof checkOptions>,
  onRow: DiffOptions['onRow'],
  pacer: Pacer,
): Promise<DiffResult> {
  const summary: DiffSummary = {
    equal: 0,
    different: 0,
    missingInStore: 0,
    missingInSnapshot: 0,
    snapshotRecords: spill.count,
    surfaceRows: 0,
  };
  const rows: DiffRow[] = [];
  let truncated = false;
  const total = spill.count + (await surfaceSize(store, topic, o.asOfTxn));
  let done = 0;
  const surfacePage = (after: string | undefined): Promise<SurfacePage> => {
    const p = store.surface(topic, {
      limit: o.pageSize,
      ...(after !== undefined ? { after } : {}),
      ...(o.asOfTxn !== undefined ? { asOfTxn: o.asOfTxn } : {}),
    });
    p.catch(() => undefined); // awaited later; avoid an unhandled rejection if we stop first
    return p;
  };

  const emit = async (row: DiffRow): Promise<void> => {
    if (row.status !== 'equal' || o.includeEqual) {
      if (rows.length < o.limit) rows.push(row);
      else truncated = true;
      if (onRow !== undefined) {
        const r = onRow(row);
        if (r !== undefined) await r;
      }
    }
  };

  const snap = spill.rows();
  try {
    let page = await surfacePage(undefined);
    let nextPage = page.next !== null ? surfacePage(page.next) : null;
    let pi = 0;
    let s = snap.next();
    for (let iter = 0; ; iter++) {
      if (pi >= page.rows.length && nextPage !== null) {
        page = await nextPage;
        nextPage = page.next !== null ? surfacePage(page.next) : null;
        pi = 0;
        continue;
      }
      const st: SurfaceRow | undefined = page.rows[pi];
      const sn: SpillRow | undefined = s.done === true ? undefined : s.value;
      if (st === undefined && sn === undefined) break;
      const c = st === undefined ? -1 : sn === undefined ? 1 : compareKeys(sn.key, st.key);
      if (c < 0) {
        summary.missingInStore++;
        await emit({ key: sn!.key, status: 'missingInStore', fields: [], store: null, snapshot: parseRec(sn!.rec) });
        s = snap.next();
        done++;
      } else if (c > 0) {
        summary.missingInSnapshot++;
        summary.surfaceRows++;
        await emit({ key: st!.key, status: 'missingInSnapshot', fields: [], store: st!, snapshot: null });
        pi++;
        done++;
      } else {
        summary.surfaceRows++;
        const record = parseRec(sn!.rec);
        const fields = differingFields(storeFields(st!.data), record, spec);
        if (fields.length === 0) summary.equal++;
        else summary.different++;
        await emit({
          key: st!.key,
          status: fields.length === 0 ? 'equal' : 'different',
          fields,
          store: st!,
          snapshot: record,
        });
        s = snap.next();
        pi++;
        done += 2;
      }
      if ((iter & 1023) === 0) {
        pacer.check();
        if (pacer.due()) {
          pacer.progress({ done, total: Math.max(total, done), unit: 'rows', phase: 'compare' });
          await pacer.yield();
        }
      }
    }
  } finally {
    snap.return?.();
  }
  pacer.flush({ done, total: done, unit: 'rows', phase: 'compare' });
  return { summary, rows, truncated };
}

function parseRec(text: string): Record<string, JsonValue> {
  return JSON.parse(text) as Record<string, JsonValue>;
}

/** Rows the surface will have (for progress only): the topic's key counter, 0 if unknown. */
async function surfaceSize(store: EventStore, topic: string, asOfTxn: number | undefined): Promise<number> {
  if (asOfTxn !== undefined) return 0;
  try {
    return (await store.topicInfo(topic)).keys;
  } catch (e) {
    if (hasErrorCode(e) && e.code === 'NOT_FOUND') return 0;
    throw e;
  }
}

/** Time slicing, cancellation and throttled progress for one diff. */
class Pacer {
  private sliceStart = performance.now();
  private lastProgress = 0;
  constructor(private readonly op: DiffOperation) {}

  check(): void {
    if (this.op.signal?.aborted === true) throw cancelled();
  }

  /** True when the current slice of synchronous work has run long enough. */
  due(): boolean {
    return performance.now() - this.sliceStart >= SLICE_MS;
  }

  /** Lets the event loop run (timers, I/O, other requests), then checks for cancellation. */
  async yield(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
    this.check();
  }

  progress(p: Progress): void {
    const now = performance.now();
    if (this.op.onProgress === undefined || now - this.lastProgress < PROGRESS_MS) return;
    this.lastProgress = now;
    this.op.onProgress(p);
  }

  /** The final progress of a phase, always reported. */
  flush(p: Progress): void {
    this.lastProgress = performance.now();
    this.op.onProgress?.(p);
  }

  /** On abort, destroys a stream body (so a stalled read ends); returns the unsubscribe. */
  onAbort(body: unknown): () => void {
    const signal = this.op.signal;
    const destroy = (body as { destroy?: unknown }).destroy;
    if (signal === undefined || typeof destroy !== 'function') return () => undefined;
    const listener = (): void => {
      (destroy as (e: Error) => void).call(body, cancelled());
    };
    signal.addEventListener('abort', listener, { once: true });
    return () => signal.removeEventListener('abort', listener);
  }
}

function cancelled(): TidemarkError {
  return new TidemarkError('CANCELLED', 'the diff was cancelled');
}
