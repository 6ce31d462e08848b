/**
 * The spill: a snapshot loaded into a temporary SQLite file (better-sqlite3) so a diff of millions
 * of records never holds them in memory. A worker thread owns the writing: it appends the records
 * it is sent in file order (rowid = record number, one transaction per batch), then builds a
 * covering index sorted by key (BINARY collation = code-point order, like the surface) and looks
 * for duplicate keys. So inserts run beside the parsing, and the seconds of synchronous work of a
 * million-row index build never block the event loop. At most a few batches are in flight
 * (back-pressure). Rows then come back in key order from the index alone, read on the caller's
 * thread. A duplicate key is a BAD_REQUEST naming both records. Nothing exists until `start()`
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
import Database from 'better-sqlite3';
import { TidemarkError, badRequest } from '../model/errors';
import { sqliteModuleFile } from './spill-sqlite';

/** A record going into the spill: its key, number, line, and the value kept (record or cells). */
export interface SpillRow {
  key: string;
  n: number;
  line: number | null;
  value: unknown;
}

/** A row coming back, in key order: key, record number, line, the kept value as JSON text. */
export type SpilledRow = [key: string, n: number, line: number | null, rec: string];

interface Where {
  n: number;
  line: number | null;
}

type Reply =
  { ack: number } | { sorted: true } | { dup: { key: string; first: Where; second: Where } } | { error: string };

/** Most batches sent and not yet written. */
const IN_FLIGHT = 4;

/**
 * The worker's entry (plain CommonJS, so it needs no TypeScript loader). Its better-sqlite3 is the
 * module at `workerData.sqlite`, loaded before anything else: the package (whose exports are the
 * class) or a module built from ES exports (whose `default` is).
 */
const SPILL_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const sqlite = require(workerData.sqlite);
const Database = typeof sqlite === 'function' ? sqlite : sqlite.default;
const db = new Database(workerData.file);
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.pragma('cache_size = -131072');
db.exec('CREATE TABLE snap (n INTEGER PRIMARY KEY, key TEXT NOT NULL, line INTEGER, rec TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO snap (n, key, line, rec) VALUES (?, ?, ?, ?)');
const insertMany = db.transaction((rows) => { for (const r of rows) insert.run(r[0], r[1], r[2], JSON.stringify(r[3])); });
parentPort.on('message', (m) => {
  try {
    if (m.rows) {
      insertMany(JSON.parse(m.rows));
      parentPort.postMessage({ ack: m.id });
      return;
    }
    db.exec('CREATE INDEX snap_sorted ON snap (key, n, line, rec)');
    const dup = db.prepare('SELECT key FROM snap INDEXED BY snap_sorted GROUP BY key HAVING count(*) > 1 ORDER BY min(n) LIMIT 1').get();
    let reply = { sorted: true };
    if (dup) {
      const two = db.prepare('SELECT n, line FROM snap WHERE key = ? ORDER BY n LIMIT 2').all(dup.key);
      reply = { dup: { key: dup.key, first: two[0], second: two[1] } };
    }
    db.close();
    parentPort.postMessage(reply);
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
  private reader: Database.Database | null = null;
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
    const workerData = { file: this.file, sqlite: this.sqliteModule ?? sqliteModuleFile() };
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
      else if ('error' in m) this.fail(new TidemarkError('INTERNAL', `spilling the snapshot failed: ${m.error}`));
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

  /** Sends rows (record numbers ascending) to be written; waits while too many are in flight. */
  async add(rows: SpillRow[], signal: AbortSignal | undefined, cancelled: () => Error): Promise<void> {
    if (rows.length === 0) return;
    const worker = this.start();
    if (worker === null) throw cancelled();
    await this.waitUntil(() => this.sent - this.acked < IN_FLIGHT, signal, cancelled);
    const id = ++this.sent;
    // One string per batch: cloning it is a copy, where cloning 20,000 small values is not; the
    // worker (otherwise idle) parses it and serialises each value.
    worker.postMessage({ id, rows: JSON.stringify(rows.map((r) => [r.n, r.key, r.line, r.value])) });
    this.count += rows.length;
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
    this.reader = new Database(this.file, { readonly: true });
    this.reader.pragma('cache_size = -65536');
  }

  /** Every row ordered by key (code-point order), from the covering index. Close the iterator before `close()`. */
  rows(): IterableIterator<SpilledRow> {
    if (this.worker === null) return [][Symbol.iterator]();
    if (this.reader === null) throw new TidemarkError('INTERNAL', 'the spill is not sorted yet');
    const stmt = this.reader.prepare<[], SpilledRow>(
      'SELECT key, n, line, rec FROM snap INDEXED BY snap_sorted ORDER BY key',
    );
    return stmt.raw(true).iterate();
  }

  /** Stops the worker, closes the file and removes its directory (if it was ever started). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.reader?.close();
      await this.worker?.terminate();
    } finally {
      if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function where(w: Where): string {
  return w.line === null ? `record ${w.n}` : `record ${w.n} (line ${w.line})`;
}
