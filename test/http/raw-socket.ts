/**
 * Sends bytes exactly as given to a server over a plain TCP socket (node:net), so tests can send
 * what fetch never would: malformed request lines, duplicate or missing Host, a browser's exact
 * headers (Origin, Sec-Fetch-Site), a Content-Length that lies. Reads until the server closes the
 * connection (every request the tests send ends with `Connection: close`, or the server closes on
 * a parse error) and parses the first response: status, lower-cased headers, body text and JSON.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: unknown;
  /** Everything the server sent. */
  raw: string;
}

/** Sends `request` (and half-closes when `end` is true) and resolves with the parsed answer. */
export function rawRequest(url: string, request: string | Buffer, opts: { end?: boolean } = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''), () => {
      if (opts.end) socket.end(request);
      else socket.write(request);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within 10 s; got: ${Buffer.concat(chunks).toString().slice(0, 300)}`));
    }, 10_000);
    socket.on('data', (b: Buffer) => chunks.push(b));
    socket.on('error', () => undefined); // a reset after the answer is fine; 'close' follows
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const parsed = parse(all);
      if (parsed) resolve(parsed);
      else reject(new Error(`not an HTTP response: ${JSON.stringify(all.toString().slice(0, 300))}`));
    });
  });
}

function parse(all: Buffer): RawAnswer | null {
  const head = all.indexOf('\r\n\r\n');
  if (head < 0) return null;
  const lines = all.subarray(0, head).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3}) /.exec(lines[0] ?? '');
  if (!m) return null;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let rest = all.subarray(head + 4);
  if (headers['transfer-encoding'] === 'chunked') rest = dechunk(rest);
  else if (headers['content-length'] !== undefined) rest = rest.subarray(0, Number(headers['content-length']));
  const text = rest.toString('utf8');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: Number(m[1]), headers, text, body, raw: all.toString('utf8') };
}

function dechunk(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let rest = b;
  for (let guard = 0; guard < 100_000; guard++) {
    const i = rest.indexOf('\r\n');
    if (i < 0) break;
    const size = parseInt(rest.subarray(0, i).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(rest.subarray(i + 2, i + 2 + size));
    rest = rest.subarray(i + 2 + size + 2);
  }
  return Buffer.concat(parts);
}

/** A request text: `lines` are the request line and headers; `Connection: close` is added. */
export function httpText(lines: string[], body = ''): string {
  return [...lines, 'Connection: close', '', body].join('\r\n');
}
