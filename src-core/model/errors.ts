/**
 * The one error taxonomy. Errors are recognised by their string `code`, never by `instanceof`,
 * because they cross HTTP and IPC boundaries; `statusForCode` is the one place codes map to HTTP
 * statuses. Pure: safe for the browser build.
 */
import type { BatchError } from './types';

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  /** The request did not arrive in time (e.g. a diff upload that stalled). */
  TIMEOUT: 408,
  CONFLICT: 409,
  TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  /** The request line and headers are larger than the server reads (431). */
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  /**
   * The database's schema is newer than this code knows: nothing is written, and retrying cannot
   * help (only UNAVAILABLE is retried). After UNAVAILABLE, so a bare 503 still reads as UNAVAILABLE.
   */
  SCHEMA_TOO_NEW: 503,
  /** Client side only: the operation was cancelled by the caller. */
  CANCELLED: 499,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export class TidemarkError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TidemarkError';
    this.code = code;
  }
  get status(): number {
    return statusForCode(this.code);
  }
  toJSON(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export function statusForCode(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

export function codeForStatus(status: number): ErrorCode {
  for (const [code, s] of Object.entries(ERROR_STATUS)) if (s === status) return code as ErrorCode;
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/** True for anything carrying one of our codes (a TidemarkError, or one rebuilt across IPC/HTTP). */
export function hasErrorCode(err: unknown): err is { code: ErrorCode; message: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    isErrorCode((err as { code?: unknown }).code) &&
    typeof (err as { message?: unknown }).message === 'string'
  );
}

/** Normalise any thrown value into a code and a message fit to show a person (no stack traces). */
export function toErrorBody(err: unknown): ErrorBody {
  if (hasErrorCode(err)) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: 'internal error' };
}

/** The error an envelope text `{"error":{"code","message"}}` carries; null when the text is not one. */
export function errorFromEnvelope(text: string): TidemarkError | null {
  try {
    const body = JSON.parse(text) as unknown;
    const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    return hasErrorCode(error) ? new TidemarkError(error.code, error.message) : null;
  } catch {
    return null;
  }
}

/** A refusal that tells the client when to try again (sent by the server as `Retry-After`, seconds). */
export type RetryLater = TidemarkError & { retryAfter: number };

/** TOO_MANY_REQUESTS (429) from a cap on the client's use of the server, with its `Retry-After`. */
export function tooManyRequests(message: string, retryAfterSeconds: number): RetryLater {
  return Object.assign(new TidemarkError('TOO_MANY_REQUESTS', message), { retryAfter: retryAfterSeconds });
}

export const badRequest = (message: string): TidemarkError => new TidemarkError('BAD_REQUEST', message);
export const notFound = (message: string): TidemarkError => new TidemarkError('NOT_FOUND', message);
export const conflict = (message: string): TidemarkError => new TidemarkError('CONFLICT', message);

/** The contract's wording for a missing topic / transaction, shared by every backend. */
export const noSuchTopic = (topic: string): TidemarkError => notFound(`topic: "${topic}" has no events`);
export const noSuchTxn = (topic: string, txn: number): TidemarkError =>
  notFound(`txn: topic "${topic}" has no transaction ${txn}`);
/** Any call on a store after `close()`: the same code and words on every backend. */
export const storeClosed = (): TidemarkError => new TidemarkError('UNAVAILABLE', 'the store is closed');
/** A database written by a newer Tidemark (API.md: 503, never retried), naming both versions. */
export const schemaTooNew = (found: number, known: number): TidemarkError =>
  new TidemarkError(
    'SCHEMA_TOO_NEW',
    `the store's schema is version ${found}, newer than this Tidemark knows (up to version ${known}); upgrade Tidemark to use it`,
  );
/** Invalidating an invalidation marker is refused (a marker can only be superseded, never undone). */
export const markerNotInvalidatable = (txn: number): TidemarkError =>
  badRequest(`txn: transaction ${txn} is an invalidation marker and cannot be invalidated`);

/** The `error` entry of a batch response: the failing transaction's index and its coded error. */
export function toBatchError(index: number, err: ErrorBody): BatchError {
  return { index, status: statusForCode(err.code), code: err.code, message: err.message };
}
