/**
 * The diff's load (index.ts `diffSnapshot`, step 1 and 2 of docs/diff.md "How it works"): the
 * snapshot's records parsed as a stream and sent to the spill in batches, yielding and reporting
 * progress as they go, and the `Decoder` that tells the merge how a spilled record compares and
 * shows (a JSON record, or a CSV row's cells with the stored-text shortcut of csv-text.ts).
 */
import type { JsonValue, SurfaceRow } from '../model/types';
import { type CompareSpec, type CsvColumn, differingCells, differingFields, storeFields } from './compare';
import { cellsToRecord, parseCsvBatches } from './csv';
import { CsvStoredText } from './csv-text';
import { type CheckedOptions, checkCsvColumns, checkKey, mapColumns, mapRecord, recordKey } from './options';
import { type Pacer, cancelled } from './pacer';
import { parseSnapshot } from './parse';
import { type SnapshotSpill, SpillBatch } from './spill';
import type { Chunk, SnapshotSource } from './types';

/** Most records per batch sent to the spill's worker. */
const BATCH = 2_000;
/**
 * A batch is sent once its keys and kept texts reach this many characters, whatever its rows. A
 * batch's texts are copied into a fresh buffer to cross to the worker, and there and on both heaps
 * a text over 128 KiB costs more than its size (new pages faulted in one by one, a string too large
 * for V8's young generation); batches of 5,000 rows (~250 KiB) took ~8% more main-thread CPU than
 * batches of 1,000 or 2,000 (docs/bench.md, "Ninth pass").
 */
const BATCH_CHARS = 96 * 1024;

/**
 * Most CSV bytes parsed at a time. A slice's rows all live until the loader has passed them, so
 * with 64 KiB slices V8 saw nearly every row of the first slices survive its first scavenges (the
 * young generation starts small) and allocated the parser's rows in the old generation from then
 * on: the load's main thread spent more time collecting garbage than parsing.
 */
const CSV_SLICE_BYTES = 16 * 1024;

/** How spilled records, parsed again (a record, or a CSV row's cells), compare and show. */
export interface Decoder {
  /** The names of the compared fields that differ from the store's data. */
  differing(store: SurfaceRow, parsed: unknown): string[];
  /**
   * True when the store's data, as its stored canonical JSON text, is certainly equal to the
   * record, given as its kept text (`spillText`, not parsed) (false proves nothing: then
   * `differing` decides). Absent: no such shortcut.
   */
  sameText?(data: string, kept: string): boolean;
  /** The snapshot record as a DiffRow shows it. */
  record(parsed: unknown): Record<string, JsonValue>;
}

type Fields = Record<string, JsonValue>;

/** Passes the chunks through, calling `first` once before the first non-empty one. */
export async function* onFirstByte(body: AsyncIterable<Chunk>, first: () => unknown): AsyncGenerator<Chunk> {
  let seen = false;
  for await (const chunk of body) {
    if (!seen && chunk.length > 0) {
      seen = true;
      first();
    }
    yield chunk;
  }
}

/** Batches rows into the spill, yielding and reporting progress as it goes. */
class Loader {
  private batch = new SpillBatch(BATCH);
  bytes = 0;
  constructor(
    private readonly spill: SnapshotSpill,
    private readonly pacer: Pacer,
    private readonly total: number | null,
  ) {}

  onBytes = (b: number): void => {
    this.bytes = b;
  };

  /** Adds a row to the batch; true when the batch is to be sent now (`send`). */
  add(key: string, n: number, line: number | null, value: unknown): boolean {
    const batch = this.batch;
    batch.add(key, n, line, value);
    return batch.length >= BATCH || batch.chars >= BATCH_CHARS || ((n & 255) === 0 && this.pacer.due());
  }

  /** Sends the batch to the spill, then yields and reports progress if the slice is up. */
  async send(): Promise<void> {
    this.pacer.check();
    await this.spill.add(this.take(), this.pacer.op.signal, cancelled);
    if (this.pacer.due()) {
      this.pacer.progress({ done: this.bytes, total: this.total, unit: 'bytes', phase: 'load' });
      await this.pacer.yield();
    }
  }

  async finish(): Promise<void> {
    this.pacer.check();
    await this.spill.add(this.take(), this.pacer.op.signal, cancelled);
    this.pacer.flush({ done: this.bytes, total: this.total ?? this.bytes, unit: 'bytes', phase: 'load' });
  }

  private take(): SpillBatch {
    const b = this.batch;
    this.batch = new SpillBatch(BATCH);
    return b;
  }
}

export async function loadJson(
  spill: SnapshotSpill,
  source: SnapshotSource,
  spec: CompareSpec,
  map: CheckedOptions['map'],
  pacer: Pacer,
): Promise<Decoder> {
  const loader = new Loader(spill, pacer, source.size ?? null);
  for await (const r of parseSnapshot(source, { onBytes: loader.onBytes })) {
    const where = r.line === undefined ? `record ${r.n}` : `record ${r.n} (line ${r.line})`;
    const key = recordKey(r.record, spec.keyField, where);
    const value = map === null ? r.record : mapRecord(r.record, map, where);
    if (loader.add(key, r.n, r.line ?? null, value)) await loader.send();
  }
  await loader.finish();
  // `parsed` is always a spilled value, a record here.
  return {
    differing: (st, record) => differingFields(storeFields(st.data), record as Fields, spec),
    record: (record) => record as Fields,
  };
}

export async function loadCsv(
  spill: SnapshotSpill,
  source: SnapshotSource,
  spec: CompareSpec,
  map: CheckedOptions['map'],
  pacer: Pacer,
): Promise<Decoder> {
  const loader = new Loader(spill, pacer, source.size ?? null);
  let header: string[] = [];
  let keyIndex = -1;
  const batches = parseCsvBatches(source.body, {
    onBytes: loader.onBytes,
    sliceBytes: CSV_SLICE_BYTES,
    onHeader: (h) => {
      header = mapColumns(h, map);
      checkCsvColumns(header, spec);
      keyIndex = header.indexOf(spec.keyField);
    },
  });
  // Rows a chunk at a time, each added without an await (a generator step and a promise per row
  // are most of what the diff's load adds to parsing; see docs/bench.md).
  for await (const rows of batches) {
    for (const r of rows) {
      const key = checkKey(r.cells[keyIndex]!, spec.keyField, () => `record ${r.n} (line ${r.line})`);
      if (loader.add(key, r.n, r.line, r.cells)) await loader.send();
    }
  }
  await loader.finish();
  const names = spec.fields ?? header.filter((c) => c !== spec.keyField && !spec.ignore.has(c));
  const columns: CsvColumn[] = names.map((name) => ({ name, index: header.indexOf(name) }));
  // Equal rows by their texts (csv-text.ts), unless tolerance or normalisation applies.
  const texts = spec.rules === undefined ? CsvStoredText.of(columns) : null;
  // `parsed` is always a spilled value, a row of cells here.
  const decoder: Decoder = {
    differing: (st, cells) => {
      const fields = storeFields(st.data);
      texts?.learn(fields);
      return differingCells(fields, cells as string[], columns, spec.rules);
    },
    record: (cells) => cellsToRecord(header, cells as string[]),
  };
  if (texts !== null) decoder.sameText = (data, kept) => texts.matches(data, kept);
  return decoder;
}
