/**
 * Maps failures of the SQLite driver to the error taxonomy: a lock held too long by another
 * process is UNAVAILABLE (safe to retry), a closed store is UNAVAILABLE, a write to a read-only
 * file is FORBIDDEN, anything else unexpected is INTERNAL. TidemarkErrors pass through unchanged.
 */
import { TidemarkError, hasErrorCode } from '../../model/errors';

function sqliteCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  }
  return undefined;
}

export function mapSqliteError(err: unknown): unknown {
  if (hasErrorCode(err)) return err;
  const code = sqliteCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return new TidemarkError('UNAVAILABLE', `the store is busy (locked by another process); retry: ${msg}`, {
      cause: err,
    });
  }
  if (code?.startsWith('SQLITE_READONLY')) {
    return new TidemarkError('FORBIDDEN', `the store is read-only: ${msg}`, { cause: err });
  }
  if (err instanceof TypeError && /database connection is not open/.test(msg)) {
    return new TidemarkError('UNAVAILABLE', 'the store is closed', { cause: err });
  }
  if (code !== undefined) return new TidemarkError('INTERNAL', `storage error (${code}): ${msg}`, { cause: err });
  return err;
}
