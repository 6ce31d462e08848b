/**
 * The snapshot parsers on their own: CSV quoting edge cases (commas, quotes, newlines in cells,
 * CRLF, BOM), JSON arrays and NDJSON, every bad-input case naming its record and line, empty
 * files, and chunk boundaries anywhere (including inside a multi-byte character).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from './parse';
import type { SnapshotFormat, SnapshotRecord } from './types';
import { LIMITS } from '../model/limits';
import type { JsonValue } from '../model/types';
import { jsonWithinLimits } from '../../test/json-values';
import { chunked, textChunks, toCsv, toJsonArray, toNdjson } from '../../test/diff/helpers';

async function parseAll(format: SnapshotFormat, body: AsyncIterable<Uint8Array | string>): Promise<SnapshotRecord[]> {
  const out: SnapshotRecord[] = [];
  for await (const r of parseSnapshot({ format, body })) out.push(r);
  return out;
}
const parseText = (format: SnapshotFormat, text: string): Promise<SnapshotRecord[]> =>
  parseAll(format, textChunks(text));

describe('CSV', () => {
  it('parses RFC 4180 quoting: commas, doubled quotes, CR/LF inside cells, CRLF ends, BOM', async () => {
    const text = '\ufeffkey,a,b\r\n1,"x,y","say ""hi"""\r\n2,"line1\r\nline2",plain\r\n"3","",\r\n';
    const recs = await parseText('csv', text);
    expect(recs).toEqual([
      { n: 1, line: 2, record: { key: '1', a: 'x,y', b: 'say "hi"' } },
      { n: 2, line: 3, record: { key: '2', a: 'line1\r\nline2', b: 'plain' } },
      { n: 3, line: 5, record: { key: '3', a: '', b: '' } },
    ]);
  });

  it('keeps every cell a string and skips blank lines (line numbers still count them)', async () => {
    const recs = await parseText('csv', 'key,n\n\n1,007\n\n\n2,1e3\n');
    expect(recs).toEqual([
      { n: 1, line: 3, record: { key: '1', n: '007' } },
      { n: 2, line: 6, record: { key: '2', n: '1e3' } },
    ]);
  });

  it('accepts LF and CRLF mixed in one file', async () => {
    const recs = await parseText('csv', 'key,a\r\n1,x\n2,"y\nz"\r\n3,w');
    expect(recs.map((r) => [r.line, r.record.a])).toEqual([
      [2, 'x'],
      [3, 'y\nz'],
      [5, 'w'],
    ]);
  });

  it('a header-only or empty file is an empty snapshot', async () => {
    expect(await parseText('csv', '')).toEqual([]);
    expect(await parseText('csv', 'key,a\r\n')).toEqual([]);
    expect(await parseAll('csv', textChunks())).toEqual([]);
  });

  it('names the record and line of a row with the wrong number of cells', async () => {
    await expect(parseText('csv', 'key,a\n1,x\n2,"multi\nline"\n3\n')).rejects.toThrow(/record 3 \(line 5\)/);
  });

  it('names the record of a bad quote', async () => {
    await expect(parseText('csv', 'key,a\n1,x\n2,ab"c\n')).rejects.toThrow(/record 2 \(line 3\)/);
    await expect(parseText('csv', 'key,a\n1,"unterminated\n')).rejects.toThrow(/record 1 \(line 2\).*[Qq]uote/);
  });

  it('rejects an empty or repeated header name', async () => {
    await expect(parseText('csv', 'key,,b\n1,2,3\n')).rejects.toThrow(/header \(line 1\): column 2 has no name/);
    await expect(parseText('csv', 'key,a,a\n1,2,3\n')).rejects.toThrow(/"a" appears twice/);
  });

  it('makes a "__proto__" column an ordinary field', async () => {
    const recs = await parseText('csv', 'key,__proto__\n1,x\n');
    expect(Object.getPrototypeOf(recs[0]!.record)).toBe(Object.prototype);
    expect(Object.keys(recs[0]!.record)).toEqual(['key', '__proto__']);
  });

  it('a whole file as one big buffer is parsed in slices, multi-byte characters intact', async () => {
    const records = Array.from({ length: 4000 }, (_, i) => ({ key: `k${i}`, a: `é😀中${'x'.repeat(i % 7)}` }));
    async function* one(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(toCsv(['key', 'a'], records));
    }
    const got = await parseAll('csv', one());
    expect(got.map((r) => r.record)).toEqual(records);
  });

  it('rejects invalid UTF-8, naming the byte', async () => {
    async function* bad(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('key,a\n1,');
      yield Uint8Array.from([0xff, 0x0a]);
    }
    await expect(parseAll('csv', bad())).rejects.toThrow(/not valid UTF-8 \(at byte 8\)/);
  });
});

describe('JSON array', () => {
  it('parses objects across lines and chunk boundaries', async () => {
    const text = '[\n {"key":"a","v":{"x":[1,2,"]}"]}},\n {"key":"b","s":"esc \\" quote"}\n]';
    const recs = await parseText('json', text);
    expect(recs).toEqual([
      { n: 1, line: 2, record: { key: 'a', v: { x: [1, 2, ']}'] } } },
      { n: 2, line: 3, record: { key: 'b', s: 'esc " quote' } },
    ]);
  });

  it('whitespace only or an empty array is an empty snapshot', async () => {
    expect(await parseText('json', '')).toEqual([]);
    expect(await parseText('json', ' \n ')).toEqual([]);
    expect(await parseText('json', '[ ]\n')).toEqual([]);
  });

  it.each([
    ['{"key":"a"}', /line 1: the JSON top level must be an array/],
    ['[{"key":"a"}, 5]', /record 2 \(line 1\): must be an object, got a number/],
    ['[\n{"key":"a"},\n"x"]', /record 2 \(line 3\): must be an object, got a string/],
    ['[{"key":"a"},\n null]', /record 2 \(line 2\): must be an object, got null/],
    ['[{"key":"a"} {"key":"b"}]', /record 2 \(line 1\): expected "," or "]" after record 1/],
    ['[{"key":"a"},]', /record 2 \(line 1\): expected a record after ","/],
    ['[\n{"key":"a"},\n{"key": tru}\n]', /record 2 \(line 3\): malformed JSON/],
    ['[{"key":"a"}] x', /line 1: unexpected content after the closing "\]"/],
    ['[{"key":"a"},\n{"key":"b"', /record 2 \(line 2\): the file ends inside this record/],
    ['[{"key":"a"}', /line 1: the file ends before the closing "\]"/],
  ])('rejects %j', async (text, message) => {
    await expect(parseText('json', text)).rejects.toThrow(message);
  });
});

describe('NDJSON', () => {
  it('one object per line, blank lines skipped, CRLF accepted, last line without newline', async () => {
    const recs = await parseText('ndjson', '{"key":"a"}\r\n\r\n  \n{"key":"b","x":[1]}');
    expect(recs).toEqual([
      { n: 1, line: 1, record: { key: 'a' } },
      { n: 2, line: 4, record: { key: 'b', x: [1] } },
    ]);
  });

  it('an empty file is an empty snapshot', async () => {
    expect(await parseText('ndjson', '')).toEqual([]);
    expect(await parseText('ndjson', '\n\n')).toEqual([]);
  });

  it('names the record and line of an unparseable or non-object line', async () => {
    await expect(parseText('ndjson', '{"key":"a"}\n\n{"key":\n')).rejects.toThrow(
      /record 2 \(line 3\): malformed JSON/,
    );
    await expect(parseText('ndjson', '{"key":"a"}\n[1]\n')).rejects.toThrow(
      /record 2 \(line 2\): must be an object, got an array/,
    );
    await expect(parseText('ndjson', '"s"\n')).rejects.toThrow(/record 1 \(line 1\): must be an object, got a string/);
  });
});

describe('any chunking gives the same records', () => {
  const cell = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', 'é', '😀', ' ', '1'), maxLength: 6 });
  const rows = fc.array(fc.tuple(cell, cell), { maxLength: 6 });
  const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 8 });

  it('CSV', async () => {
    await fc.assert(
      fc.asyncProperty(rows, cuts, fc.boolean(), async (rs, cs, crlf) => {
        const records = rs.map(([a, b], i) => ({ key: `k${i}`, a, b }));
        const text = toCsv(['key', 'a', 'b'], records, crlf ? '\r\n' : '\n', true);
        const got = await parseAll('csv', chunked(text, cs));
        expect(got.map((r) => r.record)).toEqual(records);
      }),
      { numRuns: 150 },
    );
  });

  const json = fc.dictionary(fc.string({ maxLength: 4 }), jsonWithinLimits({ maxDepth: 2 }), { maxKeys: 4 });
  it('JSON and NDJSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(json, { maxLength: 5 }), cuts, async (objs, cs) => {
        const records = objs.map((o) => JSON.parse(JSON.stringify(o)) as Record<string, JsonValue>);
        const a = await parseAll('json', chunked(toJsonArray(records), cs));
        expect(a.map((r) => r.record)).toEqual(records);
        const b = await parseAll('ndjson', chunked(toNdjson(records, '\r\n'), cs));
        expect(b.map((r) => r.record)).toEqual(records);
        expect(b.map((r) => r.line)).toEqual(records.map((_, i) => i + 1));
      }),
      { numRuns: 150 },
    );
  });
});

describe('strict JSON records, exact UTF-8 offsets and the record size limit', () => {
  it.each(['json', 'ndjson'] as const)(
    '%s: depth, duplicate names and unsafe numbers name the record and line',
    async (format) => {
      const wrap = (records: string[]): string =>
        format === 'json' ? `[\n${records.join(',\n')}\n]` : records.join('\n');
      // Record n starts on line n, after the "[" line in a JSON array.
      const at = (n: number): string => `record ${n} \\(line ${format === 'json' ? n + 1 : n}\\)`;
      const deep = '['.repeat(200) + ']'.repeat(200);
      await expect(parseText(format, wrap(['{"key":"a"}', `{"key":"b","v":${deep}}`]))).rejects.toThrow(
        new RegExp(`^${at(2)}: v\\[0\\](\\[0\\])*…(\\[0\\]){4}: nesting deeper than 128 levels$`),
      );
      await expect(parseText(format, wrap(['{"key":"a","n":{"x":1,"x":2}}']))).rejects.toThrow(
        new RegExp(`^${at(1)}: n: duplicate member name "x"$`),
      );
      await expect(parseText(format, wrap(['{"key":"a"}', '{"key":"b","id":-9007199254740993}']))).rejects.toThrow(
        new RegExp(`^${at(2)}: id: integer -9007199254740993 cannot be carried exactly; send it as a string$`),
      );
    },
  );

  it.each(['json', 'ndjson'] as const)(
    '%s: invalid UTF-8 names the exact byte, also across chunk boundaries',
    async (format) => {
      const text = format === 'json' ? '[{"key":"é😀","v":"' : '{"key":"é😀"}\n{"key":"';
      const head = Buffer.from(text);
      async function* bad(): AsyncGenerator<Uint8Array> {
        yield head.subarray(0, head.length - 3);
        yield head.subarray(head.length - 3);
        yield Uint8Array.from([0xe2, 0x82]);
        yield Uint8Array.from([0x28, 0x22]);
      }
      await expect(parseAll(format, bad())).rejects.toThrow(`the snapshot is not valid UTF-8 (at byte ${head.length})`);
    },
  );

  /** A record that never ends: `head`, then 64 KiB chunks of "x" (counted) up to `total` bytes. */
  function endless(head: string, counter: { chunks: number }, total = 64 * 1024 * 1024): AsyncGenerator<Uint8Array> {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    return (async function* () {
      yield Buffer.from(head);
      for (let sent = 0; sent < total; sent += chunk.length) {
        counter.chunks++;
        yield chunk;
      }
    })();
  }

  it.each([
    ['ndjson', '{"key":"a"}\n{"key":"b","v":"', 'record 2 (line 2)'],
    ['json', '[{"key":"a"},\n{"key":"b","v":"', 'record 2 (line 2)'],
    ['csv', 'key,v\na,1\nb,"', 'record 2 (line 3)'],
  ] as const)(
    '%s: a record that never ends is refused once past 16 MiB, not at the end of the input',
    async (format, head, where) => {
      const counter = { chunks: 0 };
      await expect(parseAll(format, endless(head, counter))).rejects.toThrow(
        `${where}: larger than the limit of ${LIMITS.snapshotRecordBytesMax} bytes for one record`,
      );
      // 16 MiB is 256 chunks of 64 KiB; the input had 1024.
      expect(counter.chunks).toBeGreaterThanOrEqual(256);
      expect(counter.chunks).toBeLessThan(270);
    },
  );

  it('the limit counts UTF-8 bytes, not characters', async () => {
    // 6 MiB of "é" is 12 MiB of UTF-8 (under); 9 MiB of it is 18 MiB (over), though only 9 Mi characters.
    const line = (chars: number): string => `{"key":"a","v":"${'é'.repeat(chars)}"}`;
    expect(await parseText('ndjson', line(6 * 1024 * 1024))).toHaveLength(1);
    await expect(parseText('ndjson', line(9 * 1024 * 1024))).rejects.toThrow(
      /record 1 \(line 1\): larger than the limit/,
    );
    await expect(parseText('json', `[${line(9 * 1024 * 1024)}]`)).rejects.toThrow(
      /record 1 \(line 1\): larger than the limit/,
    );
  });
});
