/**
 * The spill: a snapshot loaded into a temporary SQLite file (better-sqlite3) so a diff of millions
 * of records never holds them in memory. One table keyed by `key` (PRIMARY KEY, BINARY collation =
 * code-point order, like the surface) holding each record's number, line and JSON text; rows are
 * inserted in large transactions, and a duplicate key is reported with both record numbers. The
 * file lives in its own temp directory, removed by `close()` whatever happened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { badRequest } from '../model/errors';

export interface SpillRow {
  key: string;
  n: number;
  line: number | null;
  rec: string;
}

export class SnapshotSpill {
  readonly dir: string;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, number, number | null, string]>;
  private readonly find: Database.Statement<[string], { n: number; line: number | null }>;
  private readonly insertMany: (rows: SpillRow[]) => void;
  private closed = false;
  count = 0;

  constructor(tmpDir: string = tmpdir()) {
    this.dir = mkdtempSync(join(tmpDir, 'tidemark-diff-'));
    try {
      this.db = new Database(join(this.dir, 'snapshot.db'));
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('cache_size = -131072');
      this.db.exec(
        'CREATE TABLE snap (key TEXT PRIMARY KEY, n INTEGER NOT NULL, line INTEGER, rec TEXT NOT NULL) WITHOUT ROWID',
      );
    } catch (e) {
      rmSync(this.dir, { recursive: true, force: true });
      throw e;
    }
    this.insert = this.db.prepare('INSERT INTO snap (key, n, line, rec) VALUES (?, ?, ?, ?)');
    this.find = this.db.prepare('SELECT n, line FROM snap WHERE key = ?');
    this.insertMany = this.db.transaction((rows: SpillRow[]) => {
      for (const r of rows) {
        try {
          this.insert.run(r.key, r.n, r.line, r.rec);
        } catch (e) {
          if ((e as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw e;
          const first = this.find.get(r.key);
          throw badRequest(
            `${where(r.n, r.line)}: duplicate key ${JSON.stringify(r.key)} (first seen in ${first ? where(first.n, first.line) : 'an earlier record'})`,
          );
        }
      }
    });
  }

  /** Inserts rows in one transaction; BAD_REQUEST on a duplicate key (nothing of the batch kept). */
  add(rows: SpillRow[]): void {
    this.insertMany(rows);
    this.count += rows.length;
  }

  /** Every row ordered by key (code-point order). Close the iterator before `close()`. */
  rows(): IterableIterator<SpillRow> {
    return this.db.prepare<[], SpillRow>('SELECT key, n, line, rec FROM snap ORDER BY key').iterate();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function where(n: number, line: number | null): string {
  return line === null ? `record ${n}` : `record ${n} (line ${line})`;
}
