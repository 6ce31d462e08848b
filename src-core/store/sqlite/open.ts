/**
 * Opening a store file safely. Before anything is written (no journal-mode switch, no migration),
 * the file is inspected: a file that is not SQLite, or a SQLite database of another application
 * (other `application_id`, or tables but no Tidemark id), is refused with a BAD_REQUEST naming the
 * file and the reason; a Tidemark store from a newer version with SCHEMA_TOO_NEW naming both
 * versions (the same refusal as PostgreSQL's); either way the file is left byte-identical. Only
 * then is the connection opened read-write, switched to WAL, given a busy timeout and migrated.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { TidemarkError, badRequest, schemaTooNew } from '../../model/errors';
import type { MigrationProgressListener } from '../types';
import { APPLICATION_ID, SCHEMA_VERSION, migrate } from './schema';

export interface SqliteOpenOptions {
  /** FULL (default): every commit is durable. NORMAL: a power loss may drop the last commits. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Open without write access; every write fails with FORBIDDEN. The file must exist. */
  readonly?: boolean;
  /** Milliseconds to wait for another process's write lock before UNAVAILABLE. Default 5000. */
  busyTimeoutMs?: number;
  /** Progress of the migration, when opening upgrades an existing store (store/types.ts). */
  onMigrationProgress?: MigrationProgressListener;
  /**
   * For tests only: tail events a topic may hold after a commit (default HEADS_TAIL_BOUND,
   * sqlite/heads.ts). A small bound makes the contract suite run with tails at every step.
   */
  headsTailBound?: number;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/**
 * How a read-write connection sets up the file, before the schema is migrated. 8 KiB pages only
 * take effect on a new file (before its first table): they halve the pages a batch of random-key
 * upserts dirties compared with the 4 KiB default.
 */
export const FILE_PRAGMAS: readonly string[] = [
  'page_size = 8192',
  'journal_mode = WAL',
  'wal_autocheckpoint = 4000',
  'journal_size_limit = 67108864',
];

/**
 * The memory every connection may use (docs/engine.md, "Opening a file"). Surface pages join each key's head to
 * its event by primary key in key order, which is random in seq order: memory-mapped reads make
 * those lookups much cheaper than read() calls.
 */
export const MEMORY_PRAGMAS: readonly string[] = [
  'cache_size = -65536',
  'mmap_size = 1073741824',
  'temp_store = MEMORY',
];

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Throws unless `file` is absent, empty, a blank SQLite database, or a Tidemark store we can read. */
function inspect(file: string, opts: SqliteOpenOptions): void {
  if (!existsSync(file)) {
    if (opts.readonly) throw new TidemarkError('NOT_FOUND', `${file}: no such store file`);
    return;
  }
  const st = statSync(file);
  if (!st.isFile()) throw badRequest(`${file}: is not a file`);
  if (st.size === 0) {
    if (opts.readonly) throw badRequest(`${file}: is empty, not a Tidemark store`);
    return;
  }
  const header = readHeader(file);
  if (header.length < 100 || header.subarray(0, 16).toString('latin1') !== SQLITE_MAGIC) {
    throw badRequest(`${file}: is not a Tidemark store (not an SQLite database)`);
  }
  // A read-only connection reads the id and version (including a WAL's newer pages) without
  // writing to the file.
  let probe: Database.Database | undefined;
  try {
    probe = new Database(file, { readonly: true, fileMustExist: true });
    const appId = probe.pragma('application_id', { simple: true }) as number;
    const version = probe.pragma('user_version', { simple: true }) as number;
    const objects = (probe.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
    if (appId !== APPLICATION_ID) {
      if (appId === 0 && objects === 0 && version === 0) return; // a blank SQLite file: ours to set up
      throw badRequest(
        `${file}: is not a Tidemark store (an SQLite database of another application: application_id ${appId}, ${objects} schema objects)`,
      );
    }
    if (version > SCHEMA_VERSION) throw schemaTooNew(version, SCHEMA_VERSION);
    if (opts.readonly && version < SCHEMA_VERSION) {
      throw badRequest(
        `${file}: uses an older schema (version ${version}); open it once read-write to upgrade it to version ${SCHEMA_VERSION}`,
      );
    }
  } catch (err) {
    if (err instanceof TidemarkError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw badRequest(`${file}: is not a Tidemark store (${msg})`);
  } finally {
    probe?.close();
  }
}

/** Inspects, opens, configures and migrates. The returned connection is ready for statements. */
export function openDatabase(file: string, opts: SqliteOpenOptions = {}): Database.Database {
  inspect(file, opts);
  const db = new Database(file, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.readonly ?? false,
  });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    if (!opts.readonly) {
      for (const p of FILE_PRAGMAS) db.pragma(p);
      db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      migrate(db, opts.onMigrationProgress);
    }
    // A race: another process may have set the file up as something else between inspect and open.
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId === APPLICATION_ID && version > SCHEMA_VERSION) throw schemaTooNew(version, SCHEMA_VERSION);
    if (appId !== APPLICATION_ID || version !== SCHEMA_VERSION) {
      throw badRequest(`${file}: is not a Tidemark store of schema version ${SCHEMA_VERSION}`);
    }
    for (const p of MEMORY_PRAGMAS) db.pragma(p);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
