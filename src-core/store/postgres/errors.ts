/**
 * How PostgreSQL and driver failures become Tidemark errors. A database that cannot be reached
 * (connection refused or reset, terminated, administrator shutdown, still starting up, too many
 * connections, unknown database, authentication refused) is `UNAVAILABLE` with a message naming
 * the host, so the HTTP server answers 503 and clients know a retry is safe. Serialization
 * failures and deadlocks are `retryable`: the transaction was rolled back and may be run again.
 * Anything else is `INTERNAL`. Messages are in our words: the driver's or server's own text never
 * appears in one (it may reach an HTTP client; the original error stays the `cause`, for logs).
 * Errors that already carry one of our codes pass through unchanged.
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

/** Why the connection failed, in our words. */
function connectionReason(err: unknown): string {
  const code = fieldOf(err, 'code');
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ENOENT':
      return 'no such socket';
    case '57P01':
    case '57P02':
    case '57P03':
      return 'the database server is starting up or shutting down';
    case '53300':
      return 'too many connections';
    case '3D000':
      return 'the database does not exist';
    case '28000':
    case '28P01':
      return 'authentication failed';
    default:
      break;
  }
  if (typeof code === 'string' && code.startsWith('53')) return 'the database server is out of resources';
  const message = fieldOf(err, 'message');
  if (typeof message === 'string' && /timeout/i.test(message)) return 'connection timed out';
  return 'the connection failed or was lost';
}

/** What a failed statement's SQLSTATE class means, in our words. */
function statementFailure(state: string | undefined): string {
  switch (state?.slice(0, 2)) {
    case '22':
      return 'the database could not store a value';
    case '23':
      return 'a database constraint failed';
    case '40':
      return 'a transaction conflict persisted';
    case '42':
      return 'the database schema is not what this version of Tidemark expects';
    case 'XX':
      return 'the database reported an internal failure';
    default:
      return 'the database failed to run a statement';
  }
}

/** Maps anything thrown by `pg` to a TidemarkError; `where` names the database (host:port/db). */
export function toStoreError(err: unknown, where: string): TidemarkError {
  if (err instanceof TidemarkError) return err;
  if (hasErrorCode(err)) return new TidemarkError(err.code, err.message, { cause: err });
  if (isConnectionError(err)) {
    return new TidemarkError('UNAVAILABLE', `PostgreSQL at ${where} is unavailable: ${connectionReason(err)}`, {
      cause: err,
    });
  }
  const state = sqlStateOf(err);
  if (state === '54000') {
    // program_limit_exceeded: e.g. a key too large for a btree index entry.
    return new TidemarkError('BAD_REQUEST', 'a value is too large for the database to store (e.g. in an index)', {
      cause: err,
    });
  }
  if (state === '22021' || state === '22P05') {
    return new TidemarkError('BAD_REQUEST', 'text the database cannot store (a NUL character or invalid encoding)', {
      cause: err,
    });
  }
  return new TidemarkError('INTERNAL', `database error: ${statementFailure(state)}`, { cause: err });
}
