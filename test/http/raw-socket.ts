/**
 * Sends bytes exactly as given to a server over a plain TCP socket (node:net), so tests can send
 * what fetch never would: malformed request lines, duplicate or missing Host, a browser's exact
 * headers (Origin, Sec-Fetch-Site), a Content-Length that lies. A thin front on the one raw client
 * the tests share (security/raw-http.ts `sendBytes`): every request the tests send ends with
 * `Connection: close` (or the server closes on a parse error), and the answer comes back as
 * status, lower-cased headers, body text, the body parsed as JSON (null when it is not), and
 * everything the server sent.
 */
import { sendBytes } from '../security/raw-http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: unknown;
  /** Everything the server sent. */
  raw: string;
}

/** Sends `request` (and half-closes when `end` is true) and resolves with the parsed answer. */
export async function rawRequest(
  url: string,
  request: string | Buffer,
  opts: { end?: boolean } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const a = await sendBytes(hostname.replace(/^\[|\]$/g, ''), Number(port), request, {
    end: opts.end ?? false,
    safetyMs: 10_000,
  });
  let body: unknown = null;
  try {
    body = JSON.parse(a.text);
  } catch {
    body = null;
  }
  return {
    status: a.status,
    headers: a.headers,
    text: a.text,
    body,
    raw: Buffer.from(a.raw, 'latin1').toString('utf8'),
  };
}

/** A request text: `lines` are the request line and headers; `Connection: close` is added. */
export function httpText(lines: string[], body = ''): string {
  return [...lines, 'Connection: close', '', body].join('\r\n');
}
