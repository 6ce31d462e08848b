/**
 * A raw HTTP/1.1 client over one TCP connection, for tests of what the server does with the
 * connection itself (linger.ts, connection-cap.ts): it may keep its side open after the server's
 * FIN, hold off reading, and tells what arrived and when the connection closed.
 */
import { connect } from 'node:net';

export interface Seen {
  /** Everything the server sent, latin1. */
  text: string;
  /** The socket error the client saw, if any (a reset, a broken pipe). */
  error: string | null;
}

/** A raw client that may keep its side open after the server's FIN and may hold off reading. */
export interface Client {
  write(b: string | Buffer): void;
  /** Starts reading (a client made `paused` reads nothing until then). */
  resume(): void;
  /** Half-closes the client's side. */
  end(): void;
  /** What arrived once it matches `until`; rejects if the connection closes first. */
  arrived(until: RegExp): Promise<string>;
  /** The next whole answer (with a Content-Length body) after the ones `next` already returned. */
  next(): Promise<RawAnswer>;
  /** Everything seen, and how long after connecting the connection closed. */
  closed: Promise<Seen & { afterMs: number }>;
}

export interface RawAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** The answer starting at `from` in `text` and where it ends, or null while it is incomplete. */
function parseAnswer(text: string, from: number): { answer: RawAnswer; end: number } | null {
  const headEnd = text.indexOf('\r\n\r\n', from);
  if (headEnd < 0) return null;
  const [statusLine = '', ...lines] = text.slice(from, headEnd).split('\r\n');
  const m = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
  if (m === null) throw new Error(`not an HTTP/1.1 answer: ${JSON.stringify(text.slice(from, from + 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const end = headEnd + 4 + Number(headers['content-length'] ?? '0');
  if (text.length < end) return null;
  return { answer: { status: Number(m[1]), headers, body: text.slice(headEnd + 4, end) }, end };
}

export function client(url: string, opts: { paused?: boolean } = {}): Client {
  const { port } = new URL(url);
  const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true });
  if (opts.paused === true) socket.pause();
  let text = '';
  let error: string | null = null;
  let isClosed = false;
  let answered = 0;
  const waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    wake();
  });
  socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
  const start = Date.now();
  const closed = new Promise<Seen & { afterMs: number }>((resolve) =>
    socket.on('close', () => {
      isClosed = true;
      wake();
      resolve({ text, error, afterMs: Date.now() - start });
    }),
  );
  return {
    write: (b) => {
      if (!socket.destroyed) socket.write(b);
    },
    resume: () => socket.resume(),
    end: () => {
      if (!socket.destroyed) socket.end();
    },
    arrived: async (until) => {
      while (!until.test(text)) {
        if (isClosed)
          throw new Error(`closed (error: ${error ?? 'none'}) before ${String(until)}: ${JSON.stringify(text)}`);
        await new Promise<void>((r) => waiters.push(r));
      }
      return text;
    },
    next: async () => {
      for (;;) {
        const got = parseAnswer(text, answered);
        if (got !== null) {
          answered = got.end;
          return got.answer;
        }
        if (isClosed)
          throw new Error(`closed (error: ${error ?? 'none'}) before a whole answer: ${JSON.stringify(text)}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    closed,
  };
}
