/**
 * The spill: a snapshot loaded into a temporary SQLite file (better-sqlite3) so a diff of millions
 * of records never holds them in memory. Records are appended in file order (rowid = record
 * number, large transactions: fast), then a worker thread builds a covering index sorted by key
 * (BINARY collation = code-point order, like the surface) and looks for duplicate keys — off the
 * event loop, which keeps serving (a million-row CREATE INDEX is seconds of synchronous work).
 * Rows then come back in key order from the index alone. A duplicate key is a BAD_REQUEST naming
 * both records. The file lives in its own temp directory, removed by `close()` whatever happened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { TidemarkError, badRequest } from '../model/errors';

export interface SpillRow {
  key: string;
  n: number;
  line: number | null;
  rec: string;
}

interface Where {
  n: number;
  line: number | null;
}

type SortReply = { ok: true } | { dup: { key: string; first: Where; second: Where } } | { error: string };

/** Runs in the worker (plain CommonJS, so it needs no TypeScript loader). */
const SORT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
let db;
try {
  db = new Database(workerData.file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -131072');
  db.exec('CREATE INDEX snap_sorted ON snap (key, n, line, rec)');
  const dup = db.prepare('SELECT key FROM snap INDEXED BY snap_sorted GROUP BY key HAVING count(*) > 1 ORDER BY min(n) LIMIT 1').get();
  if (dup) {
    const two = db.prepare('SELECT n, line FROM snap WHERE key = ? ORDER BY n LIMIT 2').all(dup.key);
    parentPort.postMessage({ dup: { key: dup.key, first: two[0], second: two[1] } });
  } else parentPort.postMessage({ ok: true });
} catch (e) {
  parentPort.postMessage({ error: String(e && e.message || e) });
} finally {
  if (db) db.close();
}
`;

export class SnapshotSpill {
  readonly dir: string;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly insertMany: (rows: SpillRow[]) => void;
  private closed = false;
  private worker: Worker | null = null;
  count = 0;

  constructor(tmpDir: string = tmpdir()) {
    this.dir = mkdtempSync(join(tmpDir, 'tidemark-diff-'));
    this.file = join(this.dir, 'snapshot.db');
    try {
      this.db = new Database(this.file);
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
      this.db.pragma('cache_size = -131072');
      this.db.exec('CREATE TABLE snap (n INTEGER PRIMARY KEY, key TEXT NOT NULL, line INTEGER, rec TEXT NOT NULL)');
    } catch (e) {
      rmSync(this.dir, { recursive: true, force: true });
      throw e;
    }
    const insert = this.db.prepare<[number, string, number | null, string]>(
      'INSERT INTO snap (n, key, line, rec) VALUES (?, ?, ?, ?)',
    );
    this.insertMany = this.db.transaction((rows: SpillRow[]) => {
      for (const r of rows) insert.run(r.n, r.key, r.line, r.rec);
    });
  }

  /** Appends rows (record numbers ascending) in one transaction. */
  add(rows: SpillRow[]): void {
    if (rows.length === 0) return;
    this.insertMany(rows);
    this.count += rows.length;
  }

  /**
   * Sorts by key in a worker thread (the event loop stays free); BAD_REQUEST on a duplicate key.
   * On abort the worker is stopped and `cancelled()` is thrown.
   */
  async sort(signal: AbortSignal | undefined, cancelled: () => Error): Promise<void> {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(SORT_WORKER, { eval: true, workerData: { file: this.file, sqlite } });
    this.worker = worker;
    try {
      const reply = await new Promise<SortReply>((resolve, reject) => {
        const onAbort = (): void => reject(cancelled());
        signal?.addEventListener('abort', onAbort, { once: true });
        worker.once('message', (m: SortReply) => resolve(m));
        worker.once('error', reject);
        worker.once('exit', (code) =>
          reject(new TidemarkError('INTERNAL', `the diff's sort worker stopped (${code})`)),
        );
      });
      if ('dup' in reply) {
        const { key, first, second } = reply.dup;
        throw badRequest(`${where(second)}: duplicate key ${JSON.stringify(key)} (first seen in ${where(first)})`);
      }
      if ('error' in reply) throw new TidemarkError('INTERNAL', `sorting the snapshot failed: ${reply.error}`);
    } finally {
      await worker.terminate();
      this.worker = null;
    }
  }

  /** Every row ordered by key (code-point order), from the covering index. Close the iterator before `close()`. */
  rows(): IterableIterator<SpillRow> {
    return this.db
      .prepare<[], SpillRow>('SELECT key, n, line, rec FROM snap INDEXED BY snap_sorted ORDER BY key')
      .iterate();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.worker?.terminate();
    try {
      this.db.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function where(w: Where): string {
  return w.line === null ? `record ${w.n}` : `record ${w.n} (line ${w.line})`;
}
