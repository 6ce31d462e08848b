/**
 * A small recording proxy in front of a real `tidemark serve`, for the tests of the readers that
 * ask one page ahead (read-ahead.int.test.ts): it records the query of each page request it
 * watches, and can fail, kill the server at, garble the `Tidemark-Next` header of, or hold back the
 * body of a page, so a test sees exactly which pages a reader asked for and when.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with the second page request it watches: pass it on, or fail it; `garble`
 * passes every page on with its `Tidemark-Next` header replaced by `garbled` (null: removed); `hold`
 * sends the first page's headers and holds its body until the second page is asked for (a reader
 * that does not read ahead would wait forever: the body is let go after a minute, and `aheadOfBody`
 * says which came first).
 */
export type Mode = 'pass' | 'kill' | 'refuse' | 'fail' | 'garble' | 'hold';

/** Headers a hostile or broken server might send: absent, malformed, or naming the wrong cursor. */
export const GARBLED = [null, '', 'x', '"unterminated', '"\\ud800"', '""', '-1', '1e3', 'null', '{}', ' '];

/** A proxy in front of the server that records each watched page request's query string. */
export class PageProxy {
  asked: string[] = [];
  /** The same requests' query parameters, decoded, in order. */
  params: [string, string][][] = [];
  mode: Mode = 'pass';
  /** The pages watched: `GET …/events`, `…/txns` or `…/surface`. */
  route = '/events';
  /** In `hold` mode: whether the second page was asked while the first page's body was held. */
  aheadOfBody = false;
  private secondAsked: () => void = () => undefined;
  /** In `garble` mode: the header every watched page gets instead of its own (null: none). */
  garbled: string | null = null;
  private readonly server: Server;
  /**
   * `target`: the server's URL; `kill`: what `kill` mode does to the server (the test's own
   * process), before the proxy drops the request's connection.
   */
  constructor(
    public target: URL,
    private readonly kill: () => Promise<void>,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  reset(mode: Mode, route = '/events', garbled: string | null = null): void {
    this.garbled = garbled;
    this.asked = [];
    this.params = [];
    this.mode = mode;
    this.route = route;
    this.aheadOfBody = false;
  }
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const watched = req.method === 'GET' && url.pathname.endsWith(this.route);
    if (watched) {
      this.asked.push(url.search);
      this.params.push([...url.searchParams]);
      if (this.asked.length === 2) this.secondAsked();
      if (this.asked.length === 2 && this.mode !== 'pass' && this.mode !== 'garble' && this.mode !== 'hold') {
        if (this.mode === 'kill') {
          await this.kill();
          req.socket.destroy();
          return;
        }
        const [status, code] = this.mode === 'refuse' ? [400, 'BAD_REQUEST'] : [503, 'UNAVAILABLE'];
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code, message: `after: refused by the test (${status})` } }));
        return;
      }
    }
    const hold =
      watched && this.mode === 'hold' && this.asked.length === 1
        ? new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 60_000);
            this.secondAsked = () => {
              clearTimeout(timer);
              resolve(true);
            };
          })
        : null;
    const out = request(new URL(req.url ?? '/', this.target), { method: req.method, headers: req.headers }, (up) => {
      const headers = { ...up.headers };
      if (watched && this.mode === 'garble') {
        if (this.garbled === null) delete headers['tidemark-next'];
        else headers['tidemark-next'] = this.garbled;
      }
      res.writeHead(up.statusCode ?? 502, headers);
      if (hold === null) {
        up.pipe(res);
        return;
      }
      res.flushHeaders();
      void hold.then((ahead) => {
        this.aheadOfBody = ahead;
        up.pipe(res);
      });
    });
    out.on('error', () => req.socket.destroy());
    req.pipe(out);
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
