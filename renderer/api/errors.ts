/**
 * Turning whatever went wrong into an `ApiError` (a code plus a message for a person), and the
 * one place that says what to do next for each code. HTTP error bodies are
 * `{"error":{"code","message"}}`; a network failure becomes UNAVAILABLE and an abort CANCELLED.
 */
import {
  TidemarkError,
  codeForStatus,
  errorFromEnvelope,
  hasErrorCode,
  type ErrorCode,
} from '../../src-core/model/errors';
import type { ApiError } from '../../src-core/model/store-api';

/** Reads a failed response's error body; falls back to the status when the body is not ours. */
export async function errorFromResponse(res: Response, what: string): Promise<TidemarkError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    // The body could not be read; the status still says enough.
  }
  return errorFromBody(res.status, text, what);
}

export function errorFromBody(status: number, text: string, what: string): TidemarkError {
  const carried = errorFromEnvelope(text);
  if (carried) return carried;
  const code = codeForStatus(status);
  return new TidemarkError(
    code,
    `${what} failed: the server answered ${status}${text ? ` (${text.slice(0, 200)})` : ''}`,
  );
}

/** Any thrown value -> an error with a code (a TidemarkError, so it can be rethrown). */
export function toApiError(err: unknown, what = 'The request'): TidemarkError & ApiError {
  if (err instanceof TidemarkError) return err;
  if (hasErrorCode(err)) return new TidemarkError(err.code, err.message);
  if (err instanceof DOMException && err.name === 'AbortError') {
    return new TidemarkError('CANCELLED', `${what} was cancelled`);
  }
  if (err instanceof TypeError) {
    return new TidemarkError('UNAVAILABLE', `${what} could not reach the server (${err.message})`);
  }
  if (err instanceof Error) return new TidemarkError('INTERNAL', err.message);
  return new TidemarkError('INTERNAL', String(err));
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
