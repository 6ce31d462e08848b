/**
 * The one place the server turns a thrown value into an HTTP response: our own `TidemarkError`s
 * keep their code (status from model/errors.ts `statusForCode`), Fastify's own errors (malformed
 * JSON, body too large, unsupported content type, bad URL) are rebuilt as the matching code with a
 * message that names what was wrong, and anything else becomes 500 INTERNAL with no stack trace in
 * the body (it is logged). Every error body is the envelope `{"error":{"code","message"}}`; a 401
 * carries `WWW-Authenticate: Bearer` and a 429 `Retry-After` (the error's `retryAfter`, else 1 s).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorBody, type ErrorCode, hasErrorCode, statusForCode } from '../model/errors';

export interface ErrorEnvelope {
  error: ErrorBody;
}

export function envelope(code: ErrorCode, message: string): ErrorEnvelope {
  return { error: { code, message } };
}

/** Maps Fastify's framework error codes to ours; `null` when the error is not one of them. */
function fromFastify(err: FastifyError, bodyLimit: number, req: FastifyRequest): ErrorBody | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'TOO_LARGE', message: `body: larger than the limit of ${bodyLimit} bytes` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        code: 'BAD_REQUEST',
        message: `content-type: ${JSON.stringify(req.headers['content-type'] ?? '')} is not accepted here; send application/json`,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'BAD_REQUEST', message: 'body: is empty but content-type is application/json' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'BAD_REQUEST', message: 'body: its size does not match the Content-Length header' };
    case 'FST_ERR_BAD_URL':
      return { code: 'BAD_REQUEST', message: `url: ${JSON.stringify(req.url)} is not a valid URL` };
    default:
      break;
  }
  const status = err.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return { code: 'TOO_LARGE', message: err.message };
    if (status === 404) return { code: 'NOT_FOUND', message: err.message };
    return { code: 'BAD_REQUEST', message: err.message };
  }
  return null;
}

/** Builds the status and envelope for any thrown value. */
export function errorResponse(
  err: unknown,
  req: FastifyRequest,
  bodyLimit: number,
): { status: number; body: ErrorEnvelope; internal: boolean } {
  if (hasErrorCode(err)) {
    return { status: statusForCode(err.code), body: envelope(err.code, err.message), internal: false };
  }
  if (err instanceof Error && typeof (err as FastifyError).code === 'string') {
    const mapped = fromFastify(err as FastifyError, bodyLimit, req);
    if (mapped) return { status: statusForCode(mapped.code), body: { error: mapped }, internal: false };
  }
  return { status: 500, body: envelope('INTERNAL', 'internal error'), internal: true };
}

/** Seconds a 429 asks the client to wait: the error's own `retryAfter` when it carries one, else 1. */
export function retryAfterSeconds(err: unknown): number {
  const v = typeof err === 'object' && err !== null ? (err as { retryAfter?: unknown }).retryAfter : undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 1;
}

/** Sends an error; used by the Fastify error handler and by routes that answer before hijacking. */
export function sendError(reply: FastifyReply, req: FastifyRequest, err: unknown, bodyLimit: number): FastifyReply {
  const { status, body, internal } = errorResponse(err, req, bodyLimit);
  if (internal) req.log.error({ err }, 'internal error');
  if (status === 401) void reply.header('www-authenticate', 'Bearer');
  if (status === 429) void reply.header('retry-after', String(retryAfterSeconds(err)));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
