/**
 * The one raw HTTP/1.1 client for the tests (test/http/raw-socket.ts and the auth-bypass test are
 * fronts on it): the request line, headers and body bytes go onto a `node:net` socket exactly as
 * given (no URL parsing, no percent-decoding, no dot-segment removal, no header normalisation),
 * with `Connection: close`, and the answer is read back until the server closes the connection.
 * `sendRaw` takes a structured request; `sendBytes` takes bytes no structure can describe. An
 * event stream (`text/event-stream`) is cut once its head has arrived. `answerJson` and
 * `envelopeOf` (test/http/envelope.ts) read an answer's body. The client never judges an answer:
 * the tests do.
 */
import { connect } from 'node:net';

export { answerJson, envelopeOf } from '../http/envelope';

export interface RawRequest {
  method: string;
  /** The request-target, sent byte for byte (latin1). */
  target: string;
  /** Header lines in order; `null` value = header left out. No Host is added unless given. */
  headers: [string, string][];
  body?: Buffer | null;
  /** Send the body with `Transfer-Encoding: chunked` instead of `Content-Length`. */
  chunked?: boolean;
}

export interface RawAnswer {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  /** True when the answer was an event stream that the client closed after its head. */
  cut: boolean;
  /** Everything the server sent (status line, headers and body as they arrived), as latin1. */
  raw: string;
}

const CRLF = '\r\n';

/** The bytes of a request: request line, headers, framing and body. */
export function encodeRequest(r: RawRequest): Buffer {
  const lines = [`${r.method} ${r.target} HTTP/1.1`];
  for (const [name, value] of r.headers) lines.push(`${name}: ${value}`);
  const body = r.body ?? null;
  if (body !== null) {
    lines.push(r.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`);
  }
  lines.push('Connection: close');
  const head = Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'latin1');
  if (body === null) return head;
  if (!r.chunked) return Buffer.concat([head, body]);
  const parts: Buffer[] = [head];
  const CHUNK = 64 * 1024;
  for (let i = 0; i < body.length; i += CHUNK) {
    const piece = body.subarray(i, i + CHUNK);
    parts.push(Buffer.from(piece.length.toString(16) + CRLF, 'latin1'), piece, Buffer.from(CRLF, 'latin1'));
  }
  parts.push(Buffer.from('0' + CRLF + CRLF, 'latin1'));
  return Buffer.concat(parts);
}

function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const lines = head.split(CRLF);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(lines[0])}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(m[1]), headers };
}

/** Undoes chunked transfer coding; stops at the last chunk or at the end of what arrived. */
function dechunk(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf(CRLF, at, 'latin1');
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString('latin1').split(';', 1)[0] ?? '', 16);
    if (!Number.isFinite(size) || size <= 0) break;
    out.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Sends `req` to 127.0.0.1:`port` and resolves with the answer. Rejects when the connection ends
 * without a complete status line and header block, or when nothing complete arrives within
 * `safetyMs` (a hang detector for a stuck server, not a performance assertion).
 */
export function sendRaw(port: number, req: RawRequest, safetyMs = 20_000): Promise<RawAnswer> {
  return sendBytes('127.0.0.1', port, encodeRequest(req), {
    what: `${req.method} ${req.target}`,
    head: req.method === 'HEAD',
    safetyMs,
  });
}

/**
 * Sends `bytes` exactly as given to `host`:`port` (half-closing the socket after them when `end`
 * is true) and resolves with the answer, as `sendRaw` does; for requests no `RawRequest` can
 * describe (malformed request lines, a Content-Length that lies). `head`: the answer has no body.
 */
export function sendBytes(
  host: string,
  port: number,
  bytes: string | Buffer,
  opts: { what?: string; head?: boolean; end?: boolean; safetyMs?: number } = {},
): Promise<RawAnswer> {
  const safetyMs = opts.safetyMs ?? 20_000;
  return new Promise<RawAnswer>((resolve, reject) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    let received = 0;
    let head: { status: number; headers: Record<string, string>; end: number } | null = null;
    let settled = false;
    const timer = setTimeout(() => {
      finish(new Error(`no complete answer to ${opts.what ?? 'the request'} within ${safetyMs} ms`));
    }, safetyMs);

    function finish(err: Error | null, cut = false): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) return reject(err);
      const all = Buffer.concat(chunks);
      if (head === null) {
        return reject(
          new Error(
            `the server closed the connection without an HTTP answer (${received} bytes: ${JSON.stringify(all.subarray(0, 200).toString('latin1'))})`,
          ),
        );
      }
      let body: Buffer = all.subarray(head.end);
      if (/chunked/i.test(head.headers['transfer-encoding'] ?? '')) body = dechunk(body);
      else if (head.headers['content-length'] !== undefined && !opts.head) {
        body = body.subarray(0, Number(head.headers['content-length']));
      }
      if (opts.head) body = Buffer.alloc(0);
      resolve({
        status: head.status,
        headers: head.headers,
        body,
        text: body.toString('utf8'),
        cut,
        raw: all.toString('latin1'),
      });
    }

    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      received += d.length;
      if (head !== null) return;
      const all = Buffer.concat(chunks);
      const i = all.indexOf('\r\n\r\n', 0, 'latin1');
      if (i < 0) return;
      try {
        head = { ...parseHead(all.subarray(0, i).toString('latin1')), end: i + 4 };
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      if (/^text\/event-stream/i.test(head.headers['content-type'] ?? '')) finish(null, true);
    });
    // A server may answer (e.g. 401) and close before reading the whole body: the write then
    // fails with EPIPE/ECONNRESET, but the answer that arrived is still the answer.
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('end', () => finish(null));
    if (opts.end) socket.end(bytes);
    else socket.write(bytes);
  });
}
