/**
 * Maps failures of the SQLite driver to the error taxonomy, in our words: a lock held too long by
 * another process is UNAVAILABLE (safe to retry), a closed store is UNAVAILABLE, a write to a
 * read-only file is FORBIDDEN, anything else unexpected is INTERNAL with a message that says what
 * happened (damaged file, disk full, I/O error...). The driver's own text and `SQLITE_…` code never
 * appear in a message (it may reach an HTTP client); the driver error stays the `cause`, for logs.
 * TidemarkErrors pass through unchanged.
 */
import { TidemarkError, hasErrorCode, storeClosed } from '../../model/errors';

function sqliteCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  }
  return undefined;
}

/** What a primary SQLite result code (the part before any `_EXTENDED` suffix) means, for a person. */
const MEANING: Record<string, string> = {
  SQLITE_CORRUPT: 'the store file is damaged',
  SQLITE_NOTADB: 'the store file is damaged (not a database)',
  SQLITE_FULL: 'the disk holding the store is full',
  SQLITE_IOERR: 'the store file could not be read or written (I/O error)',
  SQLITE_CANTOPEN: 'the store file could not be opened',
  SQLITE_NOMEM: 'the store ran out of memory',
  SQLITE_TOOBIG: 'a value is too large for the store',
  SQLITE_CONSTRAINT: 'a storage constraint failed',
  SQLITE_PERM: 'the store file may not be accessed',
  SQLITE_PROTOCOL: 'the store file is locked in an unexpected way',
  SQLITE_SCHEMA: 'the store schema changed while in use',
};

/** `SQLITE_IOERR_SHORT_READ` -> `SQLITE_IOERR`. */
function primary(code: string): string {
  const second = code.indexOf('_', 'SQLITE_'.length);
  return second === -1 ? code : code.slice(0, second);
}

/**
 * Whether a failure to apply a topic's tail (index.ts `applyTails`) only means "not now": the
 * write lock is taken (SQLITE_BUSY, SQLITE_LOCKED) or the file cannot be written (SQLITE_READONLY).
 */
export function leavesTail(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== undefined && /^SQLITE_(BUSY|LOCKED|READONLY)/.test(code);
}

export function mapSqliteError(err: unknown): unknown {
  if (hasErrorCode(err)) return err;
  const code = sqliteCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return new TidemarkError('UNAVAILABLE', 'the store is busy (locked by another process); retry', { cause: err });
  }
  if (code?.startsWith('SQLITE_READONLY')) {
    return new TidemarkError('FORBIDDEN', 'the store is read-only (its file or folder cannot be written)', {
      cause: err,
    });
  }
  if (err instanceof TypeError && /database connection is not open/.test(msg)) {
    return new TidemarkError('UNAVAILABLE', storeClosed().message, { cause: err });
  }
  if (code !== undefined) {
    return new TidemarkError('INTERNAL', `storage error: ${MEANING[primary(code)] ?? 'the store failed'}`, {
      cause: err,
    });
  }
  return err;
}
