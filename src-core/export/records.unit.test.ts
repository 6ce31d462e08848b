/** Counting the records of exported text, by the quoting csv.ts writes. */
import { describe, expect, it } from 'vitest';
import { csvRecord } from './csv';
import { countCsvRecords, countNdjsonRecords } from './records';

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
