/**
 * Unit tests of the CLI's pure parts: the table writer (alignment, truncation, growing widths),
 * NDJSON event line parsing (messages name the line and field), the pager (caps, cursors, page
 * sizes) and the option checks of openStoreFromOptions that run before any backend is loaded.
 */
import { describe, expect, it } from 'vitest';
import { parseEventLine } from '../model/event-text';
import { type Column, TableWriter, truncate } from './output';
import { type PageKind, readPages } from '../wire/pages';
import { type Page, type PagingOptions, drainPages, pageBounds, rowsWanted } from './paging';
import { openStoreFromOptions } from '../store/open';

/** Pages of numbered rows, the cursor given back as `after`. */
const NUMBERS: PageKind<{ after?: number; limit?: number }, Page<number, number>, number> = {
  rows: (p) => p.rows.length,
  next: (p) => p.next,
  withCursor: (o, after) => ({ ...o, after }),
  ofHeader: () => undefined,
};

/**
 * What a listing does with a store read page by page (services/pages.ts): pages bounded by
 * `pageBounds`, read by `readPages`, drained by `drainPages`; returns the cursor of what is left.
 */
function pageThrough(
  opts: PagingOptions,
  start: number | undefined,
  fetch: (cursor: number | undefined, limit: number) => Promise<Page<number, number>>,
  onPage: (rows: number[]) => Promise<void>,
): Promise<number | null> {
  const wanted = rowsWanted(opts);
  const { limit, max } = pageBounds(wanted);
  const first = start === undefined ? { limit } : { limit, after: start };
  const source = {
    send: (o: typeof first) => fetch(o.after, o.limit),
    header: () => null,
    parse: (p: Page<number, number>) => Promise.resolve(p),
  };
  return drainPages(wanted, readPages(NUMBERS, source, first, max), onPage);
}

interface Row {
  id: number;
  name: string;
  data: string;
}

const columns: Column<Row>[] = [
  { header: 'id', get: (r) => String(r.id), right: true },
  { header: 'name', get: (r) => r.name, max: 8 },
  { header: 'data', get: (r) => r.data, flex: true },
];

describe('TableWriter', () => {
  it('aligns columns, right-aligns numbers, truncates the flex column to the width', () => {
    const t = new TableWriter(columns, 40);
    const out = t.page([
      { id: 1, name: 'a', data: 'short' },
      { id: 100, name: 'bb', data: 'y'.repeat(100) },
    ]);
    expect(out.split('\n')).toEqual([
      ' id  name  data',
      '---  ----  ' + '-'.repeat(29),
      '  1  a     short',
      '100  bb    ' + 'y'.repeat(28) + '…',
      '',
    ]);
    expect(Math.max(...out.split('\n').map((l) => l.length))).toBe(40);
  });

  it('caps a column at its max and replaces control characters', () => {
    const t = new TableWriter(columns, 60);
    const out = t.page([{ id: 1, name: 'a-very-long-name', data: 'line1\nline2\ttab' }]);
    const row = out.split('\n')[2]!;
    expect(row).toBe(' 1  a-very-…  line1 line2 tab');
  });

  it('prints the header once and keeps widths across pages (they only grow)', () => {
    const t = new TableWriter(columns, 80);
    const first = t.page([{ id: 1, name: 'abc', data: 'd' }]);
    const second = t.page([{ id: 2, name: 'a', data: 'e' }]);
    expect(first.split('\n')).toHaveLength(4);
    expect(second).toBe(' 2  a     e\n');
  });

  it('truncate', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 1)).toBe('…');
    expect(truncate('abcdef', 0)).toBe('');
  });
});

describe('parseEventLine', () => {
  it('accepts key, data, hash and contentType', () => {
    const hash = 'f'.repeat(64);
    expect(parseEventLine(JSON.stringify({ key: 'k', data: { a: [1] }, hash, contentType: 'text/x' }), 1)).toEqual({
      key: 'k',
      data: { a: [1] },
      hash,
      contentType: 'text/x',
    });
    expect(parseEventLine('{"key":"k","data":null}', 2)).toEqual({ key: 'k', data: null });
  });

  it.each([
    ['{"key":"k",', /^line 17: .*JSON/],
    ['[1,2]', /^line 17: must be a JSON object with "key" and "data"$/],
    ['{"key":1,"data":1}', /^line 17: key: must be a non-empty string of at most 1024 characters$/],
    ['{"key":"$invalidate","data":1}', /^line 17: key: "\$invalidate" is reserved/],
    ['{"key":"k"}', /^line 17: data: is required \(use null for a tombstone\)$/],
    ['{"key":"k","data":1,"hash":"ABC"}', /^line 17: hash: must be 64 lowercase hex/],
    ['{"key":"k","data":1,"contentType":""}', /^line 17: contentType: must be a non-empty string/],
    ['{"key":"k","data":1,"topic":"x"}', /^line 17: "topic": unknown field/],
    // The strict JSON reader (docs/http.md "JSON bodies"), as for HTTP bodies.
    ['{"key":"k","data":{"q":1,"q":2}}', /^line 17: data: duplicate member name "q"$/],
    ['{"key":"k","key":"j","data":1}', /^line 17: duplicate member name "key"$/],
    [
      '{"key":"k","data":{"id":9007199254740993}}',
      /^line 17: data\.id: integer 9007199254740993 cannot be carried exactly/,
    ],
    [
      `{"key":"k","data":${'['.repeat(129)}${']'.repeat(129)}}`,
      /^line 17: data(\[0\])+….*: nesting deeper than 128 levels$/,
    ],
  ])('%s is refused naming line 17', (line, message) => {
    expect(() => parseEventLine(line, 17)).toThrow(message);
  });
});

describe('pageThrough', () => {
  /** A source of `total` numbered rows with a cursor, recording the page sizes asked for. */
  function source(total: number) {
    const asked: number[] = [];
    const fetch = async (cursor: number | undefined, limit: number) => {
      asked.push(limit);
      const from = cursor ?? 0;
      const rows = Array.from({ length: Math.min(limit, total - from) }, (_, i) => from + i + 1);
      const last = rows[rows.length - 1];
      return { rows, next: last !== undefined && last < total ? last : null };
    };
    return { asked, fetch };
  }

  it('--all fetches pages of 10,000 until the end and reports nothing left', async () => {
    const s = source(25_000);
    const seen: number[] = [];
    const left = await pageThrough({ all: true }, undefined, s.fetch, async (rows) => void seen.push(...rows));
    expect(left).toBeNull();
    expect(seen).toHaveLength(25_000);
    expect(s.asked).toEqual([10_000, 10_000, 10_000]);
  });

  it('--limit caps the rows across pages and returns the cursor of the rest', async () => {
    const s = source(25_000);
    let count = 0;
    const left = await pageThrough({ limit: 12_345 }, undefined, s.fetch, async (rows) => void (count += rows.length));
    expect(count).toBe(12_345);
    expect(left).toBe(12_345);
    expect(s.asked).toEqual([10_000, 2_345]);
  });

  it('the default is one page of 100, starting after the given cursor', async () => {
    const s = source(1000);
    const seen: number[] = [];
    const left = await pageThrough({}, 500, s.fetch, async (rows) => void seen.push(...rows));
    expect(seen[0]).toBe(501);
    expect(seen).toHaveLength(100);
    expect(left).toBe(600);
  });

  it('an empty page with a cursor is an error, not an endless loop', async () => {
    await expect(
      pageThrough(
        { all: true },
        undefined,
        async () => ({ rows: [], next: 5 }),
        async () => undefined,
      ),
    ).rejects.toThrow(/empty page with a next cursor/);
  });
});

describe('openStoreFromOptions option checks', () => {
  it.each([
    [{ db: 'a.db', url: 'http://127.0.0.1:1' }, /use only one of --db, --url and --pg \(got --db and --url\)/],
    [{ url: 'http://x', pg: 'postgres://x' }, /got --url and --pg/],
    [{ token: 't' }, /--token: only applies with --url/],
    [{ db: '' }, /--db: must not be empty/],
    [{ url: 'not a url' }, /--url: is not a valid URL/],
    [{ pg: 'http://x' }, /--pg: must start with postgres:\/\/ or postgresql:\/\//],
    [{ url: 'http://x', synchronous: 'NORMAL' as const }, /synchronous: only applies to a SQLite store/],
    [{ db: 'a.db', pgSchema: 's' }, /--pg-schema: only applies with --pg/],
  ])('%j is refused', async (opts, message) => {
    await expect(openStoreFromOptions(opts)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(message) as unknown,
    });
  });

  it('mustExist refuses a missing file with NOT_FOUND', async () => {
    await expect(openStoreFromOptions({ db: '/nonexistent-dir/x.db', mustExist: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
