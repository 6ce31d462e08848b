/**
 * The one place the server turns a thrown value into an HTTP response: our own `TidemarkError`s
 * keep their code (status from model/errors.ts `statusForCode`), Fastify's own errors (malformed
 * JSON, body too large, unsupported content type, bad percent-encoding, over-long path segment)
 * are rebuilt as the matching code with a message that names what was wrong, and anything else,
 * an `INTERNAL` error of ours included, becomes 500 INTERNAL whose message is only
 * `internal error (request id req-…)`: the error itself (driver text, stack, paths) is logged once
 * under that request id and never sent. Requests Node's HTTP parser refuses before Fastify sees
 * them (malformed request line or headers, headers too large, Content-Length and
 * Transfer-Encoding errors, a header timeout) get the same envelope from `clientErrorText`. Every
 * error body is the envelope `{"error":{"code","message"}}`; a 401 carries `WWW-Authenticate: Bearer`
 * and a 429 `Retry-After` (the error's `retryAfter`, else 1 s).
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorBody, type ErrorCode, hasErrorCode, statusForCode } from '../model/errors';
import { bodyStillArriving } from './linger';

export interface ErrorEnvelope {
  error: ErrorBody;
}

export function envelope(code: ErrorCode, message: string): ErrorEnvelope {
  return { error: { code, message } };
}

/** Longest path segment (route parameter) the router takes (app.ts passes it to Fastify). */
export const MAX_PARAM_LENGTH = 4096;
/** Largest request line plus headers Node's parser reads (app.ts passes it to Node); beyond: 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** A client-supplied value fit to quote in a message: JSON-quoted, at most 200 characters. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
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
      return {
        code: 'BAD_REQUEST',
        message: `url: ${quoted(req.url)} has malformed percent-encoding (each % must start a %XX sequence of valid UTF-8)`,
      };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { code: 'BAD_REQUEST', message: `url: a path segment is longer than ${MAX_PARAM_LENGTH} characters` };
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
  if (hasErrorCode(err) && err.code !== 'INTERNAL') {
    return { status: statusForCode(err.code), body: envelope(err.code, err.message), internal: false };
  }
  if (!hasErrorCode(err) && err instanceof Error && typeof (err as FastifyError).code === 'string') {
    const mapped = fromFastify(err as FastifyError, bodyLimit, req);
    if (mapped) return { status: statusForCode(mapped.code), body: { error: mapped }, internal: false };
  }
  return { status: 500, body: envelope('INTERNAL', internalMessage(req.id)), internal: true };
}

/** What a client is told of an internal error: only the request id the log line carries. */
export function internalMessage(requestId: string): string {
  return `internal error (request id ${requestId})`;
}

/** Seconds a 429 asks the client to wait: the error's own `retryAfter` when it carries one, else 1. */
export function retryAfterSeconds(err: unknown): number {
  const v = typeof err === 'object' && err !== null ? (err as { retryAfter?: unknown }).retryAfter : undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 1;
}

/** Sends an error; used by the Fastify error handler and by routes that answer before hijacking. */
export function sendError(reply: FastifyReply, req: FastifyRequest, err: unknown, bodyLimit: number): FastifyReply {
  const { status, body, internal } = errorResponse(err, req, bodyLimit);
  if (internal) req.log.error({ err }, 'internal error'); // the child logger adds reqId
  if (status === 401) void reply.header('www-authenticate', 'Bearer');
  if (status === 429) void reply.header('retry-after', String(retryAfterSeconds(err)));
  // Refused before its body arrived: the connection closes (in stages, linger.ts) rather than read
  // the rest of a body nobody will use.
  if (bodyStillArriving(req.raw)) void reply.header('connection', 'close');
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Node's HTTP parser error codes, as what was wrong with the request. */
const PARSE_ERRORS: Record<string, string> = {
  HPE_INVALID_METHOD: 'request line: unknown or malformed method',
  HPE_INVALID_URL: 'request line: malformed request target',
  HPE_INVALID_CONSTANT: 'request line: malformed (expected METHOD TARGET HTTP/1.1)',
  HPE_INVALID_VERSION: 'request line: malformed HTTP version or line ending (send HTTP/1.1 and CR LF)',
  HPE_PAUSED_H2_UPGRADE: 'request: HTTP/2 is not served (use HTTP/1.1)',
  HPE_INVALID_HEADER_TOKEN: 'headers: a header name or value has characters HTTP does not allow',
  HPE_INVALID_CONTENT_LENGTH: 'content-length: not a valid length',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'content-length: sent more than once, or together with Transfer-Encoding',
  HPE_INVALID_TRANSFER_ENCODING:
    'transfer-encoding: not accepted (only chunked, as the last coding, and never with Content-Length)',
  HPE_INVALID_CHUNK_SIZE: 'body: malformed chunk size in a chunked body',
  HPE_INVALID_EOF_STATE: 'body: the connection ended before the body the headers announced',
  HPE_CR_EXPECTED: 'request: malformed line ending (CR LF expected)',
  HPE_LF_EXPECTED: 'request: malformed line ending (CR LF expected)',
  HPE_STRICT: 'request: malformed HTTP/1.1 syntax (e.g. a bare CR)',
};

/**
 * The raw HTTP response for an error Node's HTTP server raised before Fastify saw a request
 * (`clientError`), or null when nothing should be written (the peer reset the connection).
 * `maxHeaderBytes` is the server's header size limit, named in the 431 message.
 */
export function clientErrorText(err: { code?: unknown }, maxHeaderBytes: number): string | null {
  const code = typeof err.code === 'string' ? err.code : '';
  if (code === 'ECONNRESET' || code === 'EPIPE') return null;
  let body: ErrorBody;
  if (code === 'HPE_HEADER_OVERFLOW') {
    body = {
      code: 'HEADERS_TOO_LARGE',
      message: `headers: the request line and headers exceed ${maxHeaderBytes} bytes`,
    };
  } else if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    body = { code: 'TIMEOUT', message: 'request: the headers or the body did not arrive in time' };
  } else {
    body = { code: 'BAD_REQUEST', message: PARSE_ERRORS[code] ?? 'request: malformed HTTP request' };
  }
  const status = statusForCode(body.code);
  const json = JSON.stringify(envelope(body.code, body.message));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(json)}\r\n` +
    'connection: close\r\n\r\n' +
    json
  );
}
