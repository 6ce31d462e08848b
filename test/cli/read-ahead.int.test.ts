/**
 * The readers that go page after page over HTTP, which ask one page ahead (wire/pages.ts):
 * `tidemark read --url`, `tidemark txns --url`, `tidemark surface --url` and `tidemark copy --from
 * <url>`, with the real CLI, a real SQLite file and a real `tidemark serve` on a loopback port,
 * seen through a small recording proxy in front of it. `read`/`txns`/`surface` with `--all` or
 * `--limit` over the server print exactly what the embedded command prints (stdout and the stderr
 * hint), in both orders, and ask for exactly the pages they asked for before (never a row or a
 * request beyond `--limit`); a server that dies between pages, or answers the page after with an
 * error envelope (4xx, 5xx), leaves the pages before it printed and is reported with the same
 * message and exit code; a malformed or lying `Tidemark-Next` header changes nothing printed nor
 * any page read; a copy through the server equals a copy from the file.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../src-core/model/types';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { type Served, spawnServe } from '../http/spawn';
import { logOf, runCli, tempDir } from './helpers';
import { GARBLED, PageProxy } from './page-proxy';
import { MANY, TOTAL, writeReadAheadStore } from './read-ahead-store';

// Each test runs the CLI a dozen times over 25,000 events: minutes on a loaded machine.
vi.setConfig({ testTimeout: 600_000 });

let tmp: { dir: string; cleanup: () => void };
let db: string;
let served: Served;

let proxy: PageProxy;
let url: string;

async function serve(): Promise<void> {
  served = await spawnServe(['--db', db, '--port', '0'], tmp.dir);
  expect(served.url).not.toBeNull();
}

beforeAll(async () => {
  tmp = tempDir();
  db = join(tmp.dir, 'source.db');
  await writeReadAheadStore(db);
  await serve();
  proxy = new PageProxy(new URL(served.url!), async () => {
    served.proc.kill('SIGKILL');
    await served.exit;
  });
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

/** The same command embedded and over the server (through the proxy watching `route`): equal output. */
async function sameOverHttp(cmd: string[], route: string): Promise<Awaited<ReturnType<typeof runCli>>> {
  const file = await embedded(cmd);
  proxy.reset('pass', route);
  const http = await overHttp(cmd);
  const what = cmd.join(' ');
  expect(file.code, what).toBe(0);
  expect(http.code, what).toBe(0);
  expect(http.stderr, what).toBe(file.stderr);
  expect(http.stdout === file.stdout, what).toBe(true);
  return file;
}

/** `cmd` with every page after the first failing (400, 503): the first page printed, the same error. */
async function failsOnPage2(cmd: string[], route: string, firstPage: string[]): Promise<void> {
  const first = (await embedded(firstPage)).stdout;
  for (const [mode, code] of [
    ['refuse', 'BAD_REQUEST'],
    ['fail', 'UNAVAILABLE'],
  ] as const) {
    proxy.reset(mode, route);
    const r = await overHttp(cmd);
    expect(r.code, mode).toBe(1);
    expect(r.stdout === first, mode).toBe(true);
    const status = mode === 'refuse' ? 400 : 503;
    expect(r.stderr, mode).toBe(`tidemark: after: refused by the test (${status}) (${code})\n`);
    expect(proxy.asked, mode).toHaveLength(2);
  }
}

/** `cmd` over the server asks for the second page before the first page's body has arrived. */
async function readsAhead(cmd: string[], route: string): Promise<void> {
  const file = await embedded(cmd);
  proxy.reset('hold', route);
  const r = await overHttp(cmd);
  expect(r.code).toBe(0);
  expect(r.stdout === file.stdout).toBe(true);
  expect(proxy.aheadOfBody, cmd.join(' ')).toBe(true);
}

/** `cmd` through a proxy giving every page each of `GARBLED` in turn: the same output and the same pages read. */
async function garbledChangesNothing(cmd: string[], route: string): Promise<void> {
  const file = await embedded(cmd);
  proxy.reset('pass', route);
  await overHttp(cmd);
  const asked = proxy.asked;
  expect(asked.length).toBeGreaterThan(1);
  for (const value of GARBLED) {
    proxy.reset('garble', route, value);
    const r = await overHttp(cmd);
    const what = `${cmd.join(' ')}: ${String(value)}`;
    expect(r.code, what).toBe(0);
    expect(r.stderr, what).toBe(file.stderr);
    expect(r.stdout === file.stdout, what).toBe(true);
    expect(proxy.asked, what).toEqual(asked);
  }
}

describe('tidemark txns --url, one page ahead', () => {
  it('--all and --limit print exactly what the embedded command prints, both orders, both formats', async () => {
    for (const args of [
      ['--all'],
      ['--all', '--order', 'desc'],
      ['--all', '--format', 'table'],
      ['--all', '--after', '4321'],
      ['--all', '--order', 'desc', '--before', '15000'],
      [],
      ['--limit', '10001'],
      ['--limit', '10001', '--order', 'desc'],
    ]) {
      await sameOverHttp(['txns', '--topic', 'many', ...args], '/txns');
    }
    const lines = (await embedded(['txns', '--topic', 'many', '--all'])).stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(MANY + 2);
  });

  it('asks for exactly the pages it asked for before, never a row beyond --limit', async () => {
    const cases: [string[], string[]][] = [
      [
        ['--all'],
        ['?order=asc&limit=10000', '?order=asc&limit=10000&after=10000', '?order=asc&limit=10000&after=20000'],
      ],
      [[], ['?order=asc&limit=100']],
      [['--limit', '37'], ['?order=asc&limit=37']],
      [['--limit', '10000'], ['?order=asc&limit=10000']],
      [
        ['--limit', '10001'],
        ['?order=asc&limit=10000', '?order=asc&limit=1&after=10000'],
      ],
      [
        ['--limit', '20004'],
        ['?order=asc&limit=10000', '?order=asc&limit=10000&after=10000', '?order=asc&limit=4&after=20000'],
      ],
      [
        ['--limit', '20000', '--after', '5'],
        ['?order=asc&limit=10000&after=5', '?order=asc&limit=10000&after=10005'],
      ],
      [
        ['--limit', '10001', '--order', 'desc'],
        ['?order=desc&limit=10000', '?order=desc&limit=1&before=10506'],
      ],
    ];
    for (const [args, asked] of cases) {
      await sameOverHttp(['txns', '--topic', 'many', ...args], '/txns');
      expect(proxy.asked, args.join(' ')).toEqual(asked);
    }
    const hint = await overHttp(['txns', '--topic', 'many', '--limit', '10001']);
    expect(hint.stderr).toBe('tidemark: more rows follow; continue with --after 10001 (or use --all)\n');
  });

  it('an error envelope for the page after (400, 503): the page before printed, the same message and exit code', async () => {
    await failsOnPage2(['txns', '--topic', 'many', '--all'], '/txns', ['txns', '--topic', 'many', '--limit', '10000']);
  });

  it("asks for the page after as soon as a page's headers arrive (read, txns, surface --all)", async () => {
    await readsAhead(['read', '--topic', 'big', '--all'], '/events');
    await readsAhead(['txns', '--topic', 'many', '--all'], '/txns');
    await readsAhead(['txns', '--topic', 'many', '--limit', '20004', '--order', 'desc'], '/txns');
    await readsAhead(['surface', '--topic', 'many', '--all'], '/surface');
    await readsAhead(['surface', '--topic', 'many', '--limit', '10001', '--view', 'raw'], '/surface');
  });

  it('a malformed or lying Tidemark-Next header changes nothing printed nor any page read', async () => {
    await garbledChangesNothing(['read', '--topic', 'big', '--all'], '/events');
    await garbledChangesNothing(['txns', '--topic', 'many', '--all'], '/txns');
  });
});

/** The key of the `n`th row (from 1) `surface` prints for `args` (NDJSON). */
async function surfaceKey(args: string[], n: number): Promise<string> {
  const lines = (await embedded(['surface', '--topic', 'many', ...args])).stdout.trimEnd().split('\n');
  return (JSON.parse(lines[n - 1]!) as { key: string }).key;
}

describe('tidemark surface --url, one page ahead', () => {
  it('--all and --limit print exactly what the embedded command prints, every view and filter', async () => {
    const after = await surfaceKey(['--all'], 777);
    for (const args of [
      ['--all'],
      ['--all', '--view', 'raw'],
      ['--all', '--format', 'table'],
      ['--all', '--prefix', 'ключ "3"'],
      ['--all', '--as-of-txn', '12000'],
      ['--all', '--after', after],
      [],
      ['--limit', '10001'],
      ['--limit', '10001', '--view', 'raw'],
    ]) {
      await sameOverHttp(['surface', '--topic', 'many', ...args], '/surface');
    }
    const rows = (await embedded(['surface', '--topic', 'many', '--all'])).stdout.trimEnd().split('\n');
    expect(rows.length).toBeGreaterThan(10_000 * 1.9);
  });

  it('asks for exactly the pages it asked for before, never a row beyond --limit', async () => {
    const at10000 = await surfaceKey(['--all'], 10_000);
    const at20000 = await surfaceKey(['--all'], 20_000);
    const raw10000 = await surfaceKey(['--all', '--view', 'raw'], 10_000);
    const raw20000 = await surfaceKey(['--all', '--view', 'raw'], 20_000);
    const p = (...more: [string, string][]): [string, string][] => [['view', 'valid'], ...more];
    const r = (...more: [string, string][]): [string, string][] => [['view', 'raw'], ...more];
    const cases: [string[], [string, string][][]][] = [
      [
        ['--all'],
        [p(['limit', '10000']), p(['limit', '10000'], ['after', at10000]), p(['limit', '10000'], ['after', at20000])],
      ],
      [[], [p(['limit', '100'])]],
      [['--limit', '37'], [p(['limit', '37'])]],
      [
        ['--limit', '10001'],
        [p(['limit', '10000']), p(['limit', '1'], ['after', at10000])],
      ],
      [
        ['--limit', '20001', '--view', 'raw'],
        [r(['limit', '10000']), r(['limit', '10000'], ['after', raw10000]), r(['limit', '1'], ['after', raw20000])],
      ],
    ];
    for (const [args, asked] of cases) {
      await sameOverHttp(['surface', '--topic', 'many', ...args], '/surface');
      expect(proxy.params, args.join(' ')).toEqual(asked);
    }
    const hint = await overHttp(['surface', '--topic', 'many', '--limit', '10000']);
    expect(hint.stderr).toBe(
      `tidemark: more rows follow; continue with --after ${JSON.stringify(at10000)} (or use --all)\n`,
    );
  });

  it('an error envelope for the page after (400, 503): the page before printed, the same message and exit code', async () => {
    await failsOnPage2(['surface', '--topic', 'many', '--all'], '/surface', [
      'surface',
      '--topic',
      'many',
      '--limit',
      '10000',
    ]);
  });

  it('a malformed or lying Tidemark-Next header changes nothing printed nor any page read', async () => {
    await garbledChangesNothing(['surface', '--topic', 'many', '--all'], '/surface');
  });
});

/** Runs `cmd` with the server killed when the second page is asked: the first page printed, then UNAVAILABLE. */
async function diesOnPage2(cmd: string[], route: string, firstPage: string[]): Promise<void> {
  const first = (await embedded(firstPage)).stdout;
  if (served.proc.exitCode !== null || served.proc.signalCode !== null) {
    await serve();
    proxy.target = new URL(served.url!);
  }
  proxy.reset('kill', route);
  const r = await overHttp(cmd);
  expect(r.code).toBe(1);
  expect(r.stdout === first).toBe(true);
  const path = `GET /v1/topics/${cmd[2]}${route}`.replace(/\//g, '\\/');
  expect(r.stderr).toMatch(
    new RegExp(
      `^tidemark: ${path} could not reach the server at http:\\/\\/127\\.0\\.0\\.1:\\d+ \\([^)]+\\) \\(UNAVAILABLE\\)\\n$`,
    ),
  );
  expect(proxy.asked).toHaveLength(2);
}

describe('a server that dies between pages', () => {
  it('read --all: the first page printed, then UNAVAILABLE with exit 1', async () => {
    await diesOnPage2(['read', '--topic', 'big', '--all'], '/events', ['read', '--topic', 'big', '--limit', '10000']);
  });

  it('txns --all: the first page printed, then UNAVAILABLE with exit 1', async () => {
    await diesOnPage2(['txns', '--topic', 'many', '--all'], '/txns', ['txns', '--topic', 'many', '--limit', '10000']);
  });

  it('surface --all: the first page printed, then UNAVAILABLE with exit 1', async () => {
    await diesOnPage2(['surface', '--topic', 'many', '--all'], '/surface', [
      'surface',
      '--topic',
      'many',
      '--limit',
      '10000',
    ]);
  });
});
