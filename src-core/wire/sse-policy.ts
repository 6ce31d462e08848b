/**
 * The live tail's reconnect policy (docs/http.md "Remote client"), the same for the Node client and
 * the browser: after a dropped connection, a failed connect or the server's error event, reconnect
 * after `reconnectMs` (default 500 ms, no backoff) from the last seq delivered; a 429 (a cap on
 * open streams) waits for its `Retry-After` (delta seconds, at most an hour) when that is longer.
 * Retried: UNAVAILABLE, INTERNAL, TIMEOUT and TOO_MANY_REQUESTS — what a later attempt can fix.
 * Every other code (400, 401, 403, 404, ...) is fatal: reported once, and the tail ends. `Failures`
 * counts consecutive failures for the caller (`TailOptions.onError`); it is reset when the stream
 * proves to work (it delivers events or a heartbeat). Pure.
 */
import type { ErrorCode } from '../model/errors';

export const SSE_RECONNECT_MS = 500;

/** The longest `Retry-After` honoured, in seconds. */
export const RETRY_AFTER_MAX_SECONDS = 3600;

const RETRIED: ReadonlySet<ErrorCode> = new Set(['UNAVAILABLE', 'INTERNAL', 'TIMEOUT', 'TOO_MANY_REQUESTS']);

/** True when a tail that failed with `code` must end instead of reconnecting. */
export function isFatalStreamError(code: ErrorCode): boolean {
  return !RETRIED.has(code);
}

/** `Retry-After` in ms (delta-seconds form, capped; 0 when absent, a date, or not a number). */
export function retryAfterMs(header: string | null): number {
  const text = header?.trim() ?? '';
  if (!/^\d+$/.test(text)) return 0;
  return Math.min(Number(text), RETRY_AFTER_MAX_SECONDS) * 1000;
}

/** How long to wait before reconnecting after a failure with `code` (null: do not reconnect). */
export function reconnectDelay(code: ErrorCode, retryAfter: string | null, reconnectMs: number): number | null {
  if (isFatalStreamError(code)) return null;
  return code === 'TOO_MANY_REQUESTS' ? Math.max(reconnectMs, retryAfterMs(retryAfter)) : reconnectMs;
}
