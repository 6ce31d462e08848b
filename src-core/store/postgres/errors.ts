/**
 * How PostgreSQL and driver failures become Tidemark errors. A database that cannot be reached
 * (connection refused or reset, terminated, administrator shutdown, still starting up, too many
 * connections, unknown database, authentication refused) is `UNAVAILABLE` with a message naming
 * the host, so the HTTP server answers 503 and clients know a retry is safe. Serialization
 * failures and deadlocks are `retryable`: the transaction was rolled back and may be run again.
 * Anything else is `INTERNAL`. Errors that already carry one of our codes pass through unchanged.
 */
import { TidemarkError, hasErrorCode } from '../../model/errors';

/** Node/libuv error codes of a failed or broken socket. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENOENT',
]);

/** SQLSTATEs that mean "the database is not there for us right now". */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '53300', // too_many_connections
  '53000', // insufficient_resources
  '53100', // disk_full
  '53200', // out_of_memory
  '3D000', // invalid_catalog_name: the database does not exist
  '28000', // invalid_authorization_specification
  '28P01', // invalid_password
]);

/** Driver messages of a connection that died or never came up. */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection error',
  'not queryable',
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  'the database system is',
  'Client was closed',
];

function fieldOf(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
}

export function sqlStateOf(err: unknown): string | undefined {
  const code = fieldOf(err, 'code');
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** True when the failure is the connection (not the statement): the database is unreachable. */
export function isConnectionError(err: unknown): boolean {
  if (hasErrorCode(err)) return err.code === 'UNAVAILABLE';
  const code = fieldOf(err, 'code');
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return true;
    if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  const message = fieldOf(err, 'message');
  return typeof message === 'string' && CONNECTION_MESSAGES.some((m) => message.includes(m));
}

/** Serialization failure, deadlock, or a lost race on a unique key: safe to run the txn again. */
export function isRetryable(err: unknown): boolean {
  const s = sqlStateOf(err);
  return s === '40001' || s === '40P01' || s === '23505';
}

function describe(err: unknown): string {
  const message = fieldOf(err, 'message');
  const code = fieldOf(err, 'code');
  const text = typeof message === 'string' && message !== '' ? message : String(err);
  return typeof code === 'string' && !text.includes(code) ? `${text} [${code}]` : text;
}

/** Maps anything thrown by `pg` to a TidemarkError; `where` names the database (host:port/db). */
export function toStoreError(err: unknown, where: string): TidemarkError {
  if (err instanceof TidemarkError) return err;
  if (hasErrorCode(err)) return new TidemarkError(err.code, err.message, { cause: err });
  if (isConnectionError(err)) {
    return new TidemarkError('UNAVAILABLE', `PostgreSQL at ${where} is unavailable: ${describe(err)}`, {
      cause: err,
    });
  }
  const state = sqlStateOf(err);
  if (state === '54000') {
    // program_limit_exceeded: e.g. a key too large for a btree index entry.
    return new TidemarkError('BAD_REQUEST', `value too large for PostgreSQL: ${describe(err)}`, { cause: err });
  }
  if (state === '22021' || state === '22P05') {
    return new TidemarkError('BAD_REQUEST', `text PostgreSQL cannot store: ${describe(err)}`, { cause: err });
  }
  return new TidemarkError('INTERNAL', `PostgreSQL error: ${describe(err)}`, { cause: err });
}
