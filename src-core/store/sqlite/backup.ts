/**
 * An online copy of a SQLite store file with SQLite's backup API (better-sqlite3 `db.backup()`),
 * for `tidemark backup` (services/backup.ts writes it whole or not at all and verifies it). The
 * source is opened read-only after the same inspection as any open (store/sqlite/open.ts: a
 * Tidemark store of this schema version, nothing written to it); writers in other processes keep
 * writing. The copy is one consistent state of the source: SQLite restarts a backup whose source
 * another connection changed between two steps, so after a few restarts the rest is copied in one
 * step (a read transaction, which in WAL mode does not block writers) to be sure to finish.
 */
import { TidemarkError } from '../../model/errors';
import { openDatabase } from './open';

/** Pages copied per step while the source is quiet (8 KiB pages: 8 MiB). */
const PAGES_PER_STEP = 1024;
/** Restarts (the source changed under the copy) before the rest is copied in one step. */
const RESTARTS_BEFORE_ONE_STEP = 3;

export interface BackupProgress {
  /** Pages of the source copied, and its size in pages (which may grow while writers run). */
  pages: number;
  totalPages: number;
}

export interface SqliteBackupOptions {
  onProgress?: (p: BackupProgress) => void;
  signal?: AbortSignal;
}

/**
 * Copies the store file `source` into `dest` (a new or empty file); the promise settles when the
 * copy is complete. A cancelled `signal` stops it with CANCELLED (the caller removes `dest`).
 */
export async function sqliteOnlineBackup(
  source: string,
  dest: string,
  opts: SqliteBackupOptions = {},
): Promise<BackupProgress> {
  const db = openDatabase(source, { readonly: true });
  try {
    let restarts = 0;
    let lastRemaining = Number.POSITIVE_INFINITY;
    const done = await db.backup(dest, {
      progress: ({ totalPages, remainingPages }) => {
        if (opts.signal?.aborted === true) throw new TidemarkError('CANCELLED', 'backup cancelled');
        if (remainingPages > lastRemaining) restarts++;
        lastRemaining = remainingPages;
        opts.onProgress?.({ pages: totalPages - remainingPages, totalPages });
        // A negative count would be "all"; better-sqlite3 clamps to 0..2^31-1, so ask for every page.
        return restarts >= RESTARTS_BEFORE_ONE_STEP ? 0x7fffffff : PAGES_PER_STEP;
      },
    });
    const p = { pages: done.totalPages, totalPages: done.totalPages };
    opts.onProgress?.(p);
    return p;
  } catch (e) {
    if (e instanceof TidemarkError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new TidemarkError('INTERNAL', `backup of ${source} failed: ${msg}`, { cause: e });
  } finally {
    db.close();
  }
}
