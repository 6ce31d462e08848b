/**
 * The readers that go page after page over HTTP, which ask one page ahead (wire/event-pages.ts):
 * `tidemark read --url` and `tidemark copy --from <url>`, with the real CLI, a real SQLite file and
 * a real `tidemark serve` on a loopback port, seen through a small recording proxy in front of it.
 * `read --all`/`--limit` over the server prints exactly what the embedded read prints (stdout and
 * the stderr hint), in both orders, and asks for exactly the pages it asked for before (never a
 * row or a request beyond `--limit`); a server that dies between pages, or answers the page after
 * with an error envelope (4xx, 5xx), leaves the pages before it printed and is reported with the
 * same message and exit code; a copy through the server equals a copy from the file.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../src-core/model/types';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { type Served, spawnServe } from '../http/spawn';
import { logOf, runCli, tempDir } from './helpers';

// Each test runs the CLI a dozen times over 25,000 events: minutes on a loaded machine.
vi.setConfig({ testTimeout: 600_000 });

const TOTAL = 25_005;
let tmp: { dir: string; cleanup: () => void };
let db: string;
let served: Served;

/** What the proxy does with the second `GET …/events` it sees: pass it on, or fail it. */
type Mode = 'pass' | 'kill' | 'refuse' | 'fail';

/** A proxy in front of the server that records each events request's query string. */
class Proxy {
  asked: string[] = [];
  mode: Mode = 'pass';
  private readonly server: Server;
  constructor(private readonly target: URL) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  reset(mode: Mode): void {
    this.asked = [];
    this.mode = mode;
  }
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.endsWith('/events')) {
      this.asked.push(url.search);
      if (this.asked.length === 2 && this.mode !== 'pass') {
        if (this.mode === 'kill') {
          served.proc.kill('SIGKILL');
          await served.exit;
          req.socket.destroy();
          return;
        }
        const [status, code] = this.mode === 'refuse' ? [400, 'BAD_REQUEST'] : [503, 'UNAVAILABLE'];
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code, message: `after: refused by the test (${status})` } }));
        return;
      }
    }
    const out = request(new URL(req.url ?? '/', this.target), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => req.socket.destroy());
    req.pipe(out);
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

let proxy: Proxy;
let url: string;

async function serve(): Promise<void> {
  served = await spawnServe(['--db', db, '--port', '0'], tmp.dir);
  expect(served.url).not.toBeNull();
}

beforeAll(async () => {
  tmp = tempDir();
  db = join(tmp.dir, 'source.db');
  const store = openSqliteStore(db);
  try {
    // Transactions of 1 to 9,000 events, so pages of 10,000 cut through them.
    const sizes = [1, 3, 9000, 20, 7000, 1, 500, 8000, 478];
    let n = 0;
    for (const [t, size] of sizes.entries()) {
      const events = Array.from({ length: size }, (_, i) => ({
        key: `k${(n + i) % 13}`,
        data: (n + i) % 97 === 0 ? null : { n: n + i, s: 'é😀', t },
      }));
      n += size;
      await store.append('big', { events, meta: { t } });
    }
    await store.invalidate('big', 2, 'a marker in the middle');
    await store.invalidate('big', 8, 'and another');
    await store.append('small', { events: [{ key: 'a', data: 1 }] });
    expect(n + 2).toBe(TOTAL);
  } finally {
    await store.close();
  }
  await serve();
  proxy = new Proxy(new URL(served.url!));
  url = await proxy.listen();
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  if (served?.proc.exitCode === null && served.proc.signalCode === null) {
    served.proc.kill('SIGTERM');
    await served.exit;
  }
  tmp?.cleanup();
});

const embedded = (args: string[]): ReturnType<typeof runCli> => runCli([...args, '--db', db]);
const overHttp = (args: string[]): ReturnType<typeof runCli> => runCli([...args, '--url', url]);

describe('tidemark read --url, one page ahead', () => {
  it('--all prints exactly what the embedded read prints, both orders, both formats, with a filter', async () => {
    for (const args of [
      ['--all'],
      ['--all', '--order', 'desc'],
      ['--all', '--format', 'table'],
      ['--all', '--after', '4321'],
      ['--all', '--order', 'desc', '--before', '20000'],
      ['--all', '--key', 'k5'],
    ]) {
      const cmd = ['read', '--topic', 'big', ...args];
      const file = await embedded(cmd);
      proxy.reset('pass');
      const http = await overHttp(cmd);
      expect(http.code, args.join(' ')).toBe(0);
      expect(http.stderr, args.join(' ')).toBe(file.stderr);
      expect(http.stdout === file.stdout, args.join(' ')).toBe(true);
    }
    const lines = (await embedded(['read', '--topic', 'big', '--all'])).stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(TOTAL);
    expect((JSON.parse(lines[TOTAL - 1]!) as StoredEvent).seq).toBe(TOTAL);
  });

  it('--all asks for each page of 10,000 once, in order (the last one says next null)', async () => {
    proxy.reset('pass');
    const r = await overHttp(['read', '--topic', 'big', '--all']);
    expect(r.code).toBe(0);
    expect(proxy.asked).toEqual([
      '?order=asc&limit=10000',
      '?order=asc&limit=10000&after=10000',
      '?order=asc&limit=10000&after=20000',
    ]);
  });

  it('--limit is honoured exactly across page boundaries: the rows, the hint, and no page beyond it', async () => {
    const cases: [string[], string[]][] = [
      [['--limit', '10000'], ['?order=asc&limit=10000']],
      [
        ['--limit', '10001'],
        ['?order=asc&limit=10000', '?order=asc&limit=1&after=10000'],
      ],
      [['--limit', '37'], ['?order=asc&limit=37']],
      [
        ['--limit', '25003'],
        ['?order=asc&limit=10000', '?order=asc&limit=10000&after=10000', '?order=asc&limit=5003&after=20000'],
      ],
      [
        ['--limit', '20000', '--after', '5'],
        ['?order=asc&limit=10000&after=5', '?order=asc&limit=10000&after=10005'],
      ],
      [
        ['--limit', '10001', '--order', 'desc'],
        ['?order=desc&limit=10000', '?order=desc&limit=1&before=15006'],
      ],
    ];
    for (const [args, asked] of cases) {
      const cmd = ['read', '--topic', 'big', ...args];
      const file = await embedded(cmd);
      proxy.reset('pass');
      const http = await overHttp(cmd);
      expect(http.code, args.join(' ')).toBe(0);
      expect(http.stdout === file.stdout, args.join(' ')).toBe(true);
      expect(http.stderr, args.join(' ')).toBe(file.stderr);
      expect(proxy.asked, args.join(' ')).toEqual(asked);
    }
    const hint = await overHttp(['read', '--topic', 'big', '--limit', '10001']);
    expect(hint.stdout.trimEnd().split('\n')).toHaveLength(10_001);
    expect(hint.stderr).toBe('tidemark: more rows follow; continue with --after 10001 (or use --all)\n');
  });

  it('an error envelope for the page after (400, 503): the page before printed, the same message and exit code', async () => {
    const first = (await embedded(['read', '--topic', 'big', '--limit', '10000'])).stdout;
    for (const [mode, code] of [
      ['refuse', 'BAD_REQUEST'],
      ['fail', 'UNAVAILABLE'],
    ] as const) {
      proxy.reset(mode);
      const r = await overHttp(['read', '--topic', 'big', '--all']);
      expect(r.code, mode).toBe(1);
      expect(r.stdout === first, mode).toBe(true);
      const status = mode === 'refuse' ? 400 : 503;
      expect(r.stderr, mode).toBe(`tidemark: after: refused by the test (${status}) (${code})\n`);
      expect(proxy.asked, mode).toHaveLength(2);
    }
  });
});

/** Every TxnInfo and every event of every topic of the store file. */
async function logOfFile(file: string): ReturnType<typeof logOf> {
  const store = openSqliteStore(file);
  try {
    return await logOf(store);
  } finally {
    await store.close();
  }
}

describe('tidemark copy --from <url>, one page ahead', () => {
  it('a copy through the server equals a copy from the file, and equals the source', async () => {
    const viaFile = join(tmp.dir, 'via-file.db');
    const viaHttp = join(tmp.dir, 'via-http.db');
    const a = await runCli(['copy', '--from', db, '--to', viaFile, '--no-progress']);
    proxy.reset('pass');
    const b = await runCli(['copy', '--from', url, '--to', viaHttp, '--no-progress']);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toBe(a.stderr);
    const source = await logOfFile(db);
    expect(await logOfFile(viaHttp)).toEqual(source);
    expect(await logOfFile(viaFile)).toEqual(source);
    expect(source.big!.events).toHaveLength(TOTAL);
  });
});

describe('a server that dies between pages', () => {
  it('read --all: the first page printed, then UNAVAILABLE with exit 1', async () => {
    const first = (await embedded(['read', '--topic', 'big', '--limit', '10000'])).stdout;
    proxy.reset('kill');
    const r = await overHttp(['read', '--topic', 'big', '--all']);
    expect(r.code).toBe(1);
    expect(r.stdout === first).toBe(true);
    expect(r.stderr).toMatch(
      /^tidemark: GET \/v1\/topics\/big\/events could not reach the server at http:\/\/127\.0\.0\.1:\d+ \([^)]+\) \(UNAVAILABLE\)\n$/,
    );
    expect(proxy.asked).toHaveLength(2);
  });
});
