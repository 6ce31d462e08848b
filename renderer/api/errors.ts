/**
 * Errors for people: any thrown value as an `ApiError` (a code plus a message; the rules are the
 * wire's, src-core/wire/envelope.ts, shared with the Node client), and the one place that says what
 * to do next for each code.
 */
import { type TidemarkError, type ErrorCode, hasErrorCode } from '../../src-core/model/errors';
import type { ApiError } from '../../src-core/model/store-api';
import { toCodedError } from '../../src-core/wire/envelope';

/** Any thrown value -> an error with a code (a TidemarkError, so it can be rethrown). */
export function toApiError(err: unknown, what = 'The request'): TidemarkError & ApiError {
  return toCodedError(err, what);
}

const HINTS: Record<ErrorCode, string> = {
  BAD_REQUEST: 'Check the value named in the message and try again.',
  UNAUTHORIZED: 'The server needs a token: enter one on the Connections screen.',
  FORBIDDEN: "Your connection's role or read-only setting does not allow this.",
  NOT_FOUND: 'It may have been removed, or the name is mistyped. Go back to the topic list.',
  TIMEOUT: 'The upload stalled or took longer than the server allows. Check the connection and try again.',
  CONFLICT: 'Someone else wrote first. Reload and try again.',
  TOO_LARGE: 'The request is larger than the server accepts. Split it, or raise the server body limit.',
  TOO_MANY_REQUESTS: 'The server is at one of its limits. Wait a little and retry, or close something you have open.',
  HEADERS_TOO_LARGE: 'The request headers are larger than the server accepts: use a shorter token or URL.',
  INTERNAL: 'Something failed on our side. Try again; if it keeps failing, check the server log.',
  UNAVAILABLE: 'The store cannot be reached. Check that the server is running, then retry.',
  SCHEMA_TOO_NEW: 'The store was upgraded by a newer Tidemark. Upgrade this one to use it.',
  CANCELLED: 'You cancelled it. Start it again when you are ready.',
};

export function hintFor(code: ErrorCode): string {
  return HINTS[code];
}

/**
 * TanStack Query's `retry` for every query (main.tsx): only what may heal by itself (the store
 * unreachable, UNAVAILABLE), twice; never bad input, auth, or SCHEMA_TOO_NEW (a 503 too, but the
 * database was migrated by a newer Tidemark: waiting does not fix it; docs/http.md "Retries").
 */
export function shouldRetryQuery(failureCount: number, err: unknown): boolean {
  if (hasErrorCode(err) && err.code !== 'UNAVAILABLE') return false;
  return failureCount < 2;
}
