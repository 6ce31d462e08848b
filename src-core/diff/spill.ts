/**
 * The spill: a snapshot loaded into a temporary SQLite file (better-sqlite3) so a diff of millions
 * of records never holds them in memory. A worker thread owns the writing: it appends the records
 * it is sent in file order (rowid = record number, one transaction per batch), then copies them
 * in key order (BINARY collation = code-point order, like the surface) into a table keyed by key,
 * which finds duplicate keys on the way. So inserts run beside the parsing, and the seconds of
 * synchronous work of a million-row sort never block the event loop. At most a few batches are in
 * flight (back-pressure). Rows then come back in key order, read by the worker too and sent a
 * batch at a time as one text, a few batches ahead of the caller (`next`), so the caller's
 * thread only splits and merges. A CSV row is kept as its cells run together with a separator,
 * not as JSON (`spillText`): splitting it again is several times cheaper than JSON.parse. Memory stays flat whatever the snapshot's size: the worker's page cache (which
 * also bounds SQLite's sorter) is 4 MiB and a few batches are in flight either way.
 * A duplicate key is a BAD_REQUEST naming both records. Nothing exists until `start()`
 * (or the first `add`): the diff starts the spill when the first snapshot byte arrives, so a
 * request that never sends a byte costs no thread and no file, and a spill never started sorts and
 * reads as empty. The file lives in its own temp directory, removed by `close()` whatever
 * happened. The worker requires better-sqlite3 by the path spill-sqlite.ts names (the Electron
 * bundles substitute their stand-in there). `spillWorkers()` lists the worker threads alive in this
 * process (for diagnostics and tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compareKeys } from '../model/canonical';
import { TidemarkError, badRequest } from '../model/errors';
import { sqliteModuleFile } from './spill-sqlite';
import { type SpilledRows, spillText, spilledRows } from './spill-text';

/**
 * Records on their way to the spill, each turned into what the worker is sent as it is added (its
 * key and kept text run onto the batch's two texts, its number, line and lengths into `meta`), so
 * the parsed record and its cells die young instead of living until the batch is sent (a third
 * fewer bytes surviving the load phase's scavenges: docs/bench.md, "Wall, fourth pass").
 */
export class SpillBatch {
  private keys = '';
  private recs = '';
  private meta: Float64Array<ArrayBuffer>;
  /** Records added. */
  length = 0;
  /** Characters of keys and kept texts added. */
  chars = 0;

  constructor(readonly capacity: number) {
    this.meta = new Float64Array(capacity * 4);
  }

  /** Adds a record: its key, number, line and the value kept (a record, or a CSV row's cells). */
  add(key: string, n: number, line: number | null, value: unknown): void {
    if (this.length === this.capacity) throw new TidemarkError('INTERNAL', 'a spill batch is full');
    const rec = spillText(value);
    this.keys += key;
    this.recs += rec;
    const i = this.length++ * 4;
    this.meta[i] = n;
    this.meta[i + 1] = line ?? -1;
    this.meta[i + 2] = key.length;
    this.meta[i + 3] = rec.length;
    this.chars += key.length + rec.length;
  }

  /** The message for the worker (the batch is spent: its meta's buffer is transferred). */
  message(id: number): { id: number; keys: string; recs: string; meta: Float64Array<ArrayBuffer> } {
    const meta = this.length * 4 === this.meta.length ? this.meta : this.meta.slice(0, this.length * 4);
    return { id, keys: this.keys, recs: this.recs, meta };
  }
}

export type { SpilledRows } from './spill-text';

interface Where {
  n: number;
  line: number | null;
}

type Reply =
  | { ack: number }
  | { sorted: true }
  | { dup: { key: string; first: Where; second: Where } }
  | { batch: string; end: boolean }
  | { error: string };

/** Most batches sent and not yet written, and most sorted batches read ahead by the worker. */
const IN_FLIGHT = 4;
/** Rows per batch the worker sends back in key order. */
const READ_BATCH = 2_000;
/** A sorted batch ends after the row that takes its text past this many characters. */
const READ_BATCH_CHARS = 1 << 20;
/**
 * The worker's SQLite page cache, KiB. Appending in rowid order and reading the sorted table in
 * order touch each page once, so a big cache buys nothing; it also bounds the sorter's memory
 * (SQLite sorts in memory up to the cache size, then in temporary files), which was 128 MiB of
 * resident memory at 1M records and grew with the snapshot. 4 MiB sorts a million records faster.
 */
const CACHE_KIB = 4096;

/**
 * The worker's entry (plain CommonJS, so it needs no TypeScript loader). Its better-sqlite3 is the
 * module at `workerData.sqlite`, loaded before anything else: the package (whose exports are the
 * class) or a module built from ES exports (whose `default` is). It appends batches in file order;
 * on `sort` (unless every key came in ascending order: a snapshot exported in key order needs no
 * sort and has no duplicate, so its rows are read back in file order) it copies them in key order
 * into a table whose primary key is the key (a duplicate is
 * not copied, so fewer copied rows than appended means a duplicate: then the one whose first
 * occurrence comes first is looked up and reported); then each `more` gets one batch of the
 * sorted rows as one text, each row's line built by SQLite (`spilledRow` splits them), so nothing
 * is parsed or built row by row here.
 */
const SPILL_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const sqlite = require(workerData.sqlite);
const Database = typeof sqlite === 'function' ? sqlite : sqlite.default;
const db = new Database(workerData.file);
// 16 KiB pages: the key-ordered copy is a fifth faster than with 4 KiB pages; the file is this
// worker's alone, so no journal, no fsync and no locking between transactions.
db.pragma('page_size = 16384');
db.pragma('locking_mode = EXCLUSIVE');
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.pragma('cache_size = -' + workerData.cacheKiB);
db.exec('CREATE TABLE snap (n INTEGER PRIMARY KEY, key TEXT NOT NULL, line INTEGER, rec TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO snap (n, key, line, rec) VALUES (?, ?, ?, ?)');
// Rows go in INSERT_ROWS at a time (one statement of that many rows costs a third less than as many
// one-row statements); the rest of a batch one by one.
const INSERT_ROWS = 32;
const insertGroup = db.prepare('INSERT INTO snap (n, key, line, rec) VALUES ' + new Array(INSERT_ROWS).fill('(?, ?, ?, ?)').join(', '));
const group = new Array(INSERT_ROWS * 4);
let count = 0;
// Whether every key so far came in strictly ascending order (code-point order, as sorted below):
// then the rows are already sorted and have no duplicate, and the sort is skipped. The order is
// the model's compareKeys, its source copied in (it uses nothing outside itself).
const compareKeys = (${compareKeys.toString()});
let ordered = true;
let last = null;
// A batch: its keys and its values' texts each run together in one string, and per row its
// number, line (-1: none) and the lengths of its key and text, so nothing is parsed here.
const insertMany = db.transaction((m) => {
  const meta = m.meta;
  const rows = meta.length / 4;
  let k = 0;
  let r = 0;
  let i = 0;
  const next = (to, at) => {
    const kEnd = k + meta[i + 2];
    const rEnd = r + meta[i + 3];
    to[at] = meta[i];
    const key = m.keys.slice(k, kEnd);
    if (ordered && last !== null && compareKeys(last, key) >= 0) ordered = false;
    last = key;
    to[at + 1] = key;
    to[at + 2] = meta[i + 1] === -1 ? null : meta[i + 1];
    to[at + 3] = m.recs.slice(r, rEnd);
    k = kEnd;
    r = rEnd;
    i += 4;
  };
  for (let g = 0; g + INSERT_ROWS <= rows; g += INSERT_ROWS) {
    for (let j = 0; j < INSERT_ROWS; j++) next(group, j * 4);
    insertGroup.run(group);
  }
  const one = new Array(4);
  while (i < meta.length) {
    next(one, 0);
    insert.run(one);
  }
  count += rows;
});
let sorted = null;
// A sorted row as the caller reads it (see ROW_SEP in spill.ts), built by SQLite, not here.
const ROW = "CASE WHEN instr(key, char(1)) > 0 OR instr(key, char(10)) > 0 OR substr(key, 1, 1) = char(2) " +
  "THEN char(2) || json_quote(key) ELSE key END || char(1) || rec";
function sort() {
  if (ordered) {
    sorted = db.prepare('SELECT ' + ROW + ' FROM snap ORDER BY n').pluck(true).iterate();
    return { sorted: true };
  }
  // Only the key and kept text: a record's number and line are read from snap, for a duplicate.
  db.exec('CREATE TABLE sorted (key TEXT PRIMARY KEY, rec TEXT NOT NULL) WITHOUT ROWID');
  const copied = db.prepare('INSERT OR IGNORE INTO sorted SELECT key, rec FROM snap ORDER BY key').run().changes;
  if (copied !== count) {
    const dup = db.prepare('SELECT key FROM snap GROUP BY key HAVING count(*) > 1 ORDER BY min(n) LIMIT 1').get();
    const two = db.prepare('SELECT n, line FROM snap WHERE key = ? ORDER BY n LIMIT 2').all(dup.key);
    return { dup: { key: dup.key, first: two[0], second: two[1] } };
  }
  sorted = db.prepare('SELECT ' + ROW + ' FROM sorted ORDER BY key').pluck(true).iterate();
  return { sorted: true };
}
function batch() {
  const rows = [];
  let chars = 0;
  let end = false;
  for (let i = 0; i < workerData.readBatch && chars < workerData.readBatchChars; i++) {
    const r = sorted.next();
    if (r.done) { end = true; break; }
    rows.push(r.value);
    chars += r.value.length;
  }
  if (end) { db.close(); sorted = null; }
  return { batch: rows.join('\\n'), end };
}
parentPort.on('message', (m) => {
  try {
    if (m.meta) {
      insertMany(m);
      parentPort.postMessage({ ack: m.id });
    } else if (m.sort) {
      parentPort.postMessage(sort());
    } else if (m.more && sorted !== null) {
      parentPort.postMessage(batch());
    }
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
});
`;

/** Spill worker threads alive in this process (started and not yet exited). */
const live = new Set<Worker>();

/** The spill worker threads alive now (diagnostics and tests: 0 when no diff is running). */
export function spillWorkers(): Worker[] {
  return [...live];
}

export class SnapshotSpill {
  /** The spill's own temp directory, once started. */
  dir: string | null = null;
  private file = '';
  private worker: Worker | null = null;
  /** Sorted batches received (text, split when taken); the last one has arrived. */
  private batches: string[] = [];
  private ended = false;
  private sorted = false;
  private closed = false;
  private sent = 0;
  private acked = 0;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private final: ((r: Reply) => void) | null = null;
  count = 0;

  /**
   * `sqliteModule`: the better-sqlite3 module the worker requires; default the one spill-sqlite.ts
   * names (tests pass one that cannot load).
   */
  constructor(
    private readonly tmpDir: string = tmpdir(),
    private readonly sqliteModule?: string,
  ) {}

  /** Creates the temp directory and starts the worker (once; nothing after `close()`). */
  start(): Worker | null {
    if (this.worker !== null || this.closed) return this.worker;
    const dir = mkdtempSync(join(this.tmpDir, 'tidemark-diff-'));
    this.dir = dir;
    this.file = join(dir, 'snapshot.db');
    const workerData = {
      file: this.file,
      sqlite: this.sqliteModule ?? sqliteModuleFile(),
      cacheKiB: CACHE_KIB,
      readBatch: READ_BATCH,
      readBatchChars: READ_BATCH_CHARS,
    };
    let worker: Worker;
    try {
      worker = new Worker(SPILL_WORKER, { eval: true, workerData });
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      this.dir = null;
      throw e;
    }
    this.worker = worker;
    live.add(worker);
    worker.on('message', (m: Reply) => {
      if ('ack' in m) this.acked = m.ack;
      else if ('batch' in m) {
        this.batches.push(m.batch);
        if (m.end) this.ended = true;
      } else if ('error' in m) this.fail(new TidemarkError('INTERNAL', `spilling the snapshot failed: ${m.error}`));
      else this.final?.(m);
      this.poke();
    });
    worker.on('error', (e) => this.fail(new TidemarkError('INTERNAL', `the diff's spill worker failed: ${e.message}`)));
    worker.on('exit', (code) => {
      live.delete(worker);
      if (!this.closed) this.fail(new TidemarkError('INTERNAL', `the diff's spill worker stopped (${code})`));
    });
    return worker;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async waitUntil(
    ready: () => boolean,
    signal: AbortSignal | undefined,
    cancelled: () => Error,
  ): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (signal?.aborted === true) throw cancelled();
      if (ready()) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Sends a batch (record numbers ascending) to be written; waits while too many are in flight. */
  async add(batch: SpillBatch, signal: AbortSignal | undefined, cancelled: () => Error): Promise<void> {
    if (batch.length === 0) return;
    const worker = this.start();
    if (worker === null) throw cancelled();
    await this.waitUntil(() => this.sent - this.acked < IN_FLIGHT, signal, cancelled);
    // Three values per batch, not 20,000: cloning a string is a copy, cloning many small values is
    // not. Each value became its text when added (`spillText`, what the spill keeps); the worker only slices.
    const m = batch.message(++this.sent);
    worker.postMessage(m, [m.meta.buffer]);
    this.count += batch.length;
  }

  /** Waits for every row, sorts by key in the worker; BAD_REQUEST on a duplicate key. */
  async sort(signal: AbortSignal | undefined, cancelled: () => Error): Promise<void> {
    const worker = this.worker;
    if (worker === null) {
      // Never started (no byte arrived): an empty snapshot, nothing to sort.
      if (signal?.aborted === true) throw cancelled();
      return;
    }
    let reply: Reply | null = null;
    this.final = (r) => (reply = r);
    worker.postMessage({ sort: true });
    await this.waitUntil(() => reply !== null, signal, cancelled);
    const r = reply as Reply | null;
    if (r !== null && 'dup' in r) {
      const { key, first, second } = r.dup;
      throw badRequest(`${where(second)}: duplicate key ${JSON.stringify(key)} (first seen in ${where(first)})`);
    }
    this.sorted = true;
    // The worker reads ahead a few batches while the caller merges the ones before.
    for (let i = 0; i < IN_FLIGHT; i++) worker.postMessage({ more: true });
  }

  /**
   * The next batch of rows in key order (code-point order: SQLite's BINARY collation), or null
   * after the last. The worker reads them from the sorted table, so the caller's thread only
   * splits one text per batch.
   */
  async next(signal: AbortSignal | undefined, cancelled: () => Error): Promise<SpilledRows | null> {
    const worker = this.worker;
    if (worker === null) return null;
    if (!this.sorted) throw new TidemarkError('INTERNAL', 'the spill is not sorted yet');
    for (;;) {
      await this.waitUntil(() => this.batches.length > 0 || this.ended, signal, cancelled);
      const text = this.batches.shift();
      if (text === undefined) return null;
      if (!this.ended) worker.postMessage({ more: true });
      if (text !== '') return spilledRows(text);
    }
  }

  /** Stops the worker, closes the file and removes its directory (if it was ever started). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.worker?.terminate();
    } finally {
      if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function where(w: Where): string {
  return w.line === null ? `record ${w.n}` : `record ${w.n} (line ${w.line})`;
}
