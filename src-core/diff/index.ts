/**
 * `diffSnapshot`: the surface of a topic compared key by key with an upstream snapshot. The
 * snapshot is parsed as a stream and spilled into a temporary SQLite file (spill.ts: appended in
 * file order, then sorted by key in a worker thread, duplicates reported), then merged in key
 * order with the store's surface, read in pages (surface-reader.ts; `compareKeys` order on both
 * sides), so a million records need neither a million objects in memory nor a frozen event loop:
 * the work yields every ~25 ms, honours an AbortSignal (CANCELLED) and reports progress (bytes
 * while loading, rows while comparing). The spill (its worker thread and temp file) starts when the
 * first snapshot byte arrives, not before, and is always removed. Rows: the first `limit`
 * non-equal rows in key order (equal rows only with `includeEqual`); `onRow` sees all of them.
 * CSV takes a fast path: rows stay cell arrays until a DiffRow needs the record as an object, and
 * the surface is read with each row's data as its stored canonical JSON text where the store has
 * such reads (surface-reader.ts): a row is equal when the text built from its cells is the stored
 * text (csv-text.ts), and only the others are parsed and compared field by field.
 * Options: `map` renames snapshot fields as records are loaded (a CSV header once), so everything
 * after that, the rows' snapshot records included, speaks the store's field names; tolerance and
 * normalisation are compare.ts's rules. `asOf`: the topic's state is read once the snapshot is
 * loaded, and every surface page is read as of that transaction (or of `asOfTxn`), so the pages
 * are one state however many writes land meanwhile and `asOf` names it; a transaction invalidated
 * while the pages are read would change that state's validity, so the diff then fails with
 * CONFLICT (run it again) rather than answer with rows of two states.
 */
import { compareKeys } from '../model/canonical';
import { TidemarkError } from '../model/errors';
import type { LongOperation } from '../model/store-api';
import type { DiffAsOf, DiffResult, DiffRow, DiffSummary, TopicInfo } from '../model/types';
import { validateTopic } from '../model/validate';
import { findTopic } from '../store/find-topic';
import type { EventStore } from '../store/types';
import type { CompareSpec } from './compare';
import { parseSnapshotFormat } from './format';
import { type CheckedOptions, checkOptions } from './options';
import { Pacer, cancelled } from './pacer';
import { SnapshotSpill, type SpilledRows } from './spill';
import { spilledValue } from './spill-text';
import { type Decoder, loadCsv, loadJson, onFirstByte } from './load';
import { type SurfacePageRows, SurfaceReader, parsedRow } from './surface-reader';
import type { DiffOptions, SnapshotSource } from './types';

export type { DiffOptions, SnapshotSource, SnapshotRecord, Chunk } from './types';
export { DIFF_ROWS_MAX } from './types';

/**
 * Most surface rows read ahead while the snapshot is sorted: one page, the first (64 rows: see
 * surface-reader.ts). Rows read ahead all live until the merge; 50,000 of them made V8 allocate
 * every later page of the store's rows straight into the old generation, freed only by full
 * collections (docs/bench.md, "Wall, fourth pass").
 */
const READ_AHEAD_ROWS = 1;

/** Progress reports and cancellation (model/store-api.ts `LongOperation`). */
export type DiffOperation = LongOperation;

export async function diffSnapshot(
  store: EventStore,
  topic: string,
  source: SnapshotSource,
  opts: DiffOptions,
  op: DiffOperation = {},
): Promise<DiffResult> {
  validateTopic(topic);
  parseSnapshotFormat(source.format);
  const o = checkOptions(opts);
  const spec: CompareSpec = { keyField: o.keyField, fields: o.fields, ignore: o.ignore, csv: source.format === 'csv' };
  if (o.rules !== undefined) spec.rules = o.rules;
  const pacer = new Pacer(op);
  pacer.check();
  const spill = new SnapshotSpill(opts.tmpDir);
  // Abort also interrupts a stalled read: a stream body is destroyed on abort.
  const stop = pacer.onAbort(source.body);
  try {
    // The worker starts with the first byte, so it warms up while the first batch is parsed.
    const started: SnapshotSource = { ...source, body: onFirstByte(source.body, () => spill.start()) };
    const decoder =
      source.format === 'csv'
        ? await loadCsv(spill, started, spec, o.map, pacer)
        : await loadJson(spill, started, spec, o.map, pacer);
    stop();
    const before = await findTopic(store, topic);
    const asOf = await stateAsOf(store, topic, before, o.asOfTxn);
    // While the worker sorts, read the first surface pages (the main thread is otherwise idle).
    const surface = new SurfaceReader(store, topic, o.pageSize, asOf.maxTxn);
    const sorting = spill.sort(op.signal, cancelled);
    const ahead = surface.readAhead(sorting, READ_AHEAD_ROWS);
    try {
      await sorting;
    } catch (e) {
      await ahead.catch(() => undefined);
      throw e;
    }
    await ahead;
    pacer.check();
    const result = await merge(spill, store, topic, surface, decoder, o, opts.onRow, pacer);
    const after = await findTopic(store, topic);
    if ((after?.invalidTxns ?? 0) !== (before?.invalidTxns ?? 0)) {
      throw new TidemarkError(
        'CONFLICT',
        `a transaction of ${JSON.stringify(topic)} was invalidated while the diff read the surface, so its rows could mix two states; run the diff again`,
      );
    }
    return { ...result, asOf };
  } finally {
    stop();
    await spill.close();
  }
}

/** The sorted merge of the spill with the surface pages. */
async function merge(
  spill: SnapshotSpill,
  store: EventStore,
  topic: string,
  surface: SurfaceReader,
  decoder: Decoder,
  o: CheckedOptions,
  onRow: DiffOptions['onRow'],
  pacer: Pacer,
): Promise<Omit<DiffResult, 'asOf'>> {
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
  const keep = (row: DiffRow): void | Promise<void> => {
    if (rows.length < o.limit) rows.push(row);
    else truncated = true;
    return onRow?.(row);
  };

  const signal = pacer.op.signal;
  let page: SurfacePageRows | null = await surface.next();
  let pi = 0;
  let batch: SpilledRows | null = await spill.next(signal, cancelled);
  let si = 0;
  for (let iter = 0; ; iter++) {
    if (page !== null && pi >= page.rows.length) {
      page = await surface.next();
      pi = 0;
      continue;
    }
    if (batch !== null && si >= batch.keys.length) {
      batch = await spill.next(signal, cancelled);
      si = 0;
      continue;
    }
    const stKey: string | undefined = page?.rows[pi]?.key;
    const snKey: string | undefined = batch?.keys[si];
    if (stKey === undefined && snKey === undefined) break;
    const c = stKey === undefined ? -1 : snKey === undefined ? 1 : compareKeys(snKey, stKey);
    let pending: void | Promise<void> = undefined;
    if (c < 0) {
      summary.missingInStore++;
      pending = keep({
        key: snKey!,
        status: 'missingInStore',
        fields: [],
        store: null,
        snapshot: decoder.record(spilledValue(batch!.values[si]!)),
      });
      si++;
      done++;
    } else if (c > 0) {
      summary.missingInSnapshot++;
      summary.surfaceRows++;
      pending = keep({
        key: stKey!,
        status: 'missingInSnapshot',
        fields: [],
        store: parsedRow(page!, pi),
        snapshot: null,
      });
      pi++;
      done++;
    } else {
      summary.surfaceRows++;
      const kept = batch!.values[si]!;
      const p = page!;
      // A text row equal by its text needs no parse of either side (csv-text.ts); otherwise parse
      // both and compare.
      const same = p.text && decoder.sameText !== undefined && decoder.sameText(p.rows[pi]!.data, kept);
      if (same && !o.includeEqual) summary.equal++;
      else {
        const st = parsedRow(p, pi);
        const parsed = spilledValue(kept);
        const fields = same ? [] : decoder.differing(st, parsed);
        if (fields.length === 0) {
          summary.equal++;
          if (o.includeEqual)
            pending = keep({ key: stKey!, status: 'equal', fields: [], store: st, snapshot: decoder.record(parsed) });
        } else {
          summary.different++;
          pending = keep({ key: stKey!, status: 'different', fields, store: st, snapshot: decoder.record(parsed) });
        }
      }
      si++;
      pi++;
      done += 2;
    }
    if (pending !== undefined) await pending;
    if ((iter & 1023) === 0) {
      pacer.check();
      if (pacer.due()) {
        pacer.progress({ done, total: Math.max(total, done), unit: 'rows', phase: 'compare' });
        await pacer.yield();
      }
    }
  }
  pacer.flush({ done, total: done, unit: 'rows', phase: 'compare' });
  return { summary, rows, truncated };
}

/**
 * The topic state a diff compares with: the log up to `asOfTxn` (the last seq of that
 * transaction), or the whole log when `asOfTxn` is absent or not below the newest transaction;
 * `{0, 0}` for a topic with no events.
 */
async function stateAsOf(
  store: EventStore,
  topic: string,
  info: TopicInfo | null,
  asOfTxn: number | undefined,
): Promise<DiffAsOf> {
  if (info === null || asOfTxn === 0) return { maxSeq: 0, maxTxn: 0 };
  if (asOfTxn === undefined || asOfTxn >= info.maxTxn) return { maxSeq: info.maxSeq, maxTxn: info.maxTxn };
  const page = await store.listTxns(topic, { after: asOfTxn - 1, limit: 1 });
  const txn = page.txns[0];
  if (txn?.txn !== asOfTxn)
    throw new TidemarkError('INTERNAL', `transaction ${asOfTxn} of ${JSON.stringify(topic)} was not found`);
  return { maxSeq: txn.lastSeq, maxTxn: asOfTxn };
}

/** Rows the surface will have (for progress only): the topic's key counter, 0 if unknown. */
async function surfaceSize(store: EventStore, topic: string, asOfTxn: number | undefined): Promise<number> {
  if (asOfTxn !== undefined) return 0;
  return (await findTopic(store, topic))?.keys ?? 0;
}
