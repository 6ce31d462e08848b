/**
 * How a failed HTTP exchange becomes a coded error, with one message style in every client. `what`
 * names the request for a person ("Loading topics"; the Node client says "GET /v1/topics").
 * - A non-2xx answer carrying the server's envelope `{"error":{"code","message"}}` is that error,
 *   code and message as the server wrote them. Any other body (a proxy's page, nothing) gives the
 *   code of the status (model/errors.ts `codeForStatus`) and "<what> failed: the server answered
 *   <status> (<the start of the body>)".
 * - A request that got no answer (refused, reset, DNS, a body cut off, no answer in time) is
 *   UNAVAILABLE, "<what> could not reach the server at <base> (<detail>)": safe to retry.
 * - A request the caller aborted is CANCELLED, "<what> was cancelled".
 * - A 2xx answer that is not the JSON the route promises is INTERNAL.
 * Pure: uses only the `Response` both runtimes have.
 */
import { TidemarkError, codeForStatus, errorFromEnvelope, hasErrorCode } from '../model/errors';
import { LIMITS } from '../model/limits';
import { readAnswerText } from './body-read';

/** How much of a body that is not an envelope is quoted in the message. */
const BODY_QUOTE_MAX = 200;

/** The error a non-2xx answer with `body` (its text) carries. */
export function errorFromStatus(status: number, body: string, what: string): TidemarkError {
  const carried = errorFromEnvelope(body);
  if (carried) return carried;
  const quoted = body.trim().slice(0, BODY_QUOTE_MAX);
  return new TidemarkError(
    codeForStatus(status),
    `${what} failed: the server answered ${status}${quoted !== '' ? ` (${quoted})` : ''}`,
  );
}

/**
 * The error a non-2xx `res` carries; its body is read up to `LIMITS.errorAnswerBytesMax` (when it
 * cannot be read, or is longer, the status says enough).
 */
export async function errorFromResponse(res: Response, what: string): Promise<TidemarkError> {
  let text = '';
  try {
    text = await readAnswerText(res, what, LIMITS.errorAnswerBytesMax);
  } catch {
    // Unreadable, or longer than an envelope ever is: the status still names the failure.
  }
  return errorFromStatus(res.status, text, what);
}

/** What a failure of the network layer says: undici's `cause.code` (ECONNREFUSED), else a message. */
function networkDetail(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause : null;
  if (cause !== null) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message;
  }
  return err.message;
}

const at = (base: string | undefined): string => (base !== undefined ? ` at ${base}` : '');

/** UNAVAILABLE: the request to `base` got no (complete) answer. */
export function unreachable(what: string, base: string | undefined, detail: string, cause?: unknown): TidemarkError {
  return new TidemarkError('UNAVAILABLE', `${what} could not reach the server${at(base)} (${detail})`, { cause });
}

/** CANCELLED: the caller stopped the request. */
export function cancelled(what: string, cause?: unknown): TidemarkError {
  return new TidemarkError('CANCELLED', `${what} was cancelled`, { cause });
}

const nameOf = (err: unknown): string => (err instanceof Error || err instanceof DOMException ? err.name : '');

/**
 * What a rejected `fetch` (or a failed read of its body) means: a coded error as it is; an abort
 * CANCELLED; anything else (refused, reset, DNS, cut off, a timeout) UNAVAILABLE.
 */
export function networkError(err: unknown, what: string, base?: string): TidemarkError {
  if (err instanceof TidemarkError) return err;
  if (hasErrorCode(err)) return new TidemarkError(err.code, err.message);
  if (nameOf(err) === 'AbortError') return cancelled(what, err);
  if (nameOf(err) === 'TimeoutError') return unreachable(what, base, 'no answer in time', err);
  return unreachable(what, base, networkDetail(err), err);
}

/**
 * Any thrown value as a coded error: a coded one, an abort, a timeout or a network failure (fetch
 * rejects with a TypeError in both runtimes) as `networkError` says; anything else INTERNAL with its
 * message.
 */
export function toCodedError(err: unknown, what: string, base?: string): TidemarkError {
  if (hasErrorCode(err) || err instanceof TypeError || ['AbortError', 'TimeoutError'].includes(nameOf(err))) {
    return networkError(err, what, base);
  }
  if (err instanceof Error) return new TidemarkError('INTERNAL', err.message, { cause: err });
  return new TidemarkError('INTERNAL', String(err));
}

/** INTERNAL: a 2xx answer that is not the JSON the route promises. */
export function notJson(what: string): TidemarkError {
  return new TidemarkError('INTERNAL', `${what} failed: the server's answer is not JSON`);
}
