import { describe, expect, it } from 'vitest';
import { countCsvRecords, countNdjsonRecords, exportFileName } from './download';
import { formatFromName } from './upload';

describe('record counting', () => {
  it('counts CSV records, quoted newlines included in one record', () => {
    expect(countCsvRecords('key,data\r\na,"x\ny"\r\nb,"he said ""hi"""\r\n')).toBe(2);
    expect(countCsvRecords('key,data\n')).toBe(0);
    expect(countCsvRecords('key,data\na,1')).toBe(1);
    expect(countCsvRecords('')).toBe(0);
  });
  it('counts NDJSON records', () => {
    expect(countNdjsonRecords('{"a":1}\n\n{"a":2}\n')).toBe(2);
    expect(countNdjsonRecords('')).toBe(0);
  });
  it('makes safe file names', () => {
    expect(exportFileName('a:b/c', 'surface', 'csv')).toBe('a_b_c-surface.csv');
  });
  it('detects snapshot formats from names', () => {
    expect(formatFromName('x.CSV')).toBe('csv');
    expect(formatFromName('x.jsonl')).toBe('ndjson');
    expect(formatFromName('x.json')).toBe('json');
    expect(formatFromName('x.txt')).toBeNull();
  });
});
