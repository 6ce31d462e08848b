/**
 * Counting the records of exported text, by the quoting csv.ts writes: `RecordCounter` over whole
 * texts (`countCsvRecords`, `countNdjsonRecords` below) and as the text streams by. Surface
 * exports with cells holding newlines, CRLFs, quotes and commas count one record per row however
 * the text is cut into chunks; NDJSON strings with escaped quotes do not confuse it; blank lines
 * are no records; `atBoundary` tells a complete text from one cut off inside a quoted cell or
 * mid-line.
 */
import { describe, expect, it } from 'vitest';
import type { SurfaceRow } from '../model/types';
import { csvRecord } from './csv';
import type { ExportFormat } from '../model/store-api';
import { RecordCounter } from './records';
import { SURFACE_CSV_HEADER, surfaceRowsText } from './surface';

/** Records of a whole text, as the counter sees them (a CSV's header not counted). */
function count(format: ExportFormat, text: string): number {
  const c = new RecordCounter(format);
  c.push(text);
  return c.records;
}
const countNdjsonRecords = (text: string): number => count('ndjson', text);
const countCsvRecords = (text: string): number => Math.max(0, count('csv', text) - 1);

describe('record counting', () => {
  it('counts CSV records, quoted newlines included in one record', () => {
    expect(countCsvRecords('key,data\r\na,"x\ny"\r\nb,"he said ""hi"""\r\n')).toBe(2);
    expect(countCsvRecords('key,data\n')).toBe(0);
    expect(countCsvRecords('key,data\na,1')).toBe(1);
    expect(countCsvRecords('')).toBe(0);
  });
  it('counts what csvRecord writes, whatever the cells hold', () => {
    const cells = ['a\r\nb', '"', '', ',', ' x ', '=1', '\n'];
    const text = csvRecord(['h1', 'h2']) + cells.map((c) => csvRecord([c, c])).join('');
    expect(countCsvRecords(text)).toBe(cells.length);
  });
  it('counts NDJSON records', () => {
    expect(countNdjsonRecords('{"a":1}\n\n{"a":2}\n')).toBe(2);
    expect(countNdjsonRecords('')).toBe(0);
  });
});

const rows: SurfaceRow[] = ['plain', 'line\nbreak', 'crlf\r\nkey', 'say "hi", twice', '=1+1', ' padded '].map(
  (key, i) => ({
    key,
    seq: i + 1,
    txn: 1,
    hash: 'h'.repeat(64),
    time: '2026-01-01T00:00:00.000Z',
    data: { s: key, q: '"', nl: 'a\nb' },
  }),
);

function countIn(format: 'csv' | 'ndjson', parts: string[]): RecordCounter {
  const c = new RecordCounter(format);
  for (const p of parts) c.push(p);
  return c;
}

describe('RecordCounter', () => {
  it.each(['csv', 'ndjson'] as const)('%s: one record per row, wherever the chunks are cut', (format) => {
    const text = (format === 'csv' ? SURFACE_CSV_HEADER : '') + surfaceRowsText(rows, format);
    const expected = rows.length + (format === 'csv' ? 1 : 0);
    expect(text.split('\n').length - 1).toBeGreaterThan(format === 'csv' ? expected : expected - 1);
    for (let cut = 0; cut <= text.length; cut++) {
      const c = countIn(format, [text.slice(0, cut), text.slice(cut)]);
      expect(c.complete).toBe(expected);
      expect(c.records).toBe(expected);
      expect(c.atBoundary).toBe(true);
    }
    const oneByOne = countIn(format, [...text]);
    expect(oneByOne.complete).toBe(expected);
  });

  it('tells a text cut off inside a record', () => {
    const text = SURFACE_CSV_HEADER + surfaceRowsText(rows, 'csv');
    let cutInside = 0;
    for (let cut = 1; cut < text.length; cut++) {
      const c = countIn('csv', [text.slice(0, cut)]);
      const atRecordEnd = text[cut - 1] === '\n' && c.atBoundary;
      if (!atRecordEnd) {
        expect(c.atBoundary, `cut at ${cut}`).toBe(false);
        cutInside++;
      }
    }
    expect(cutInside).toBeGreaterThan(text.length - 10);
    // A quoted cell still open at the end: not a boundary, and its newline did not end a record.
    const open = countIn('csv', [csvRecord(['a', 'b']), '"x\n']);
    expect(open.complete).toBe(1);
    expect(open.atBoundary).toBe(false);
  });

  it('counts no blank lines, and a last record without its newline in `records` only', () => {
    const c = countIn('ndjson', ['{"a":"\\"x"}\n', '\n', '\r\n', '{"b":1}']);
    expect(c.complete).toBe(1);
    expect(c.records).toBe(2);
    expect(c.atBoundary).toBe(false);
    expect(countIn('csv', []).atBoundary).toBe(true);
  });
});
