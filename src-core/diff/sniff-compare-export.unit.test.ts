/**
 * The pure pieces: `sniffColumns` on cut-off samples, the comparison rules (compare.ts), format
 * detection, and the CSV/NDJSON export of diff rows (read back with csv-parse).
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type CompareSpec, differingFields, storeFields } from './compare';
import { csvCell } from '../export/csv';
import { DIFF_CSV_COLUMNS, diffCsvLine, diffNdjsonLine } from '../export/diff';
import { exportFormatFromFileName } from '../export/names';
import { formatFromContentType, formatFromFileName, resolveFormat } from './format';
import { sniffColumns } from './sniff';
import type { DiffRow } from '../model/types';

describe('sniffColumns', () => {
  it('CSV: the header row, even when the sample ends mid-record', () => {
    expect(sniffColumns('\ufeffid,"a,b",qty\r\n1,"cut off', 'csv')).toEqual(['id', 'a,b', 'qty']);
    expect(sniffColumns('id,"multi\nline"\n1,2\n', 'csv')).toEqual(['id', 'multi\nline']);
    expect(sniffColumns('', 'csv')).toEqual([]);
  });
  it('JSON: the union of complete records, first-seen order; a cut record is ignored', () => {
    expect(sniffColumns('[{"id":1,"a":2},\n{"id":2,"b":[1,2]},{"id":3,"zz":', 'json')).toEqual(['id', 'a', 'b']);
    expect(sniffColumns('{"not":"array"}', 'json')).toEqual([]);
  });
  it('NDJSON: complete lines only; a bad line stops the sample', () => {
    expect(sniffColumns('{"id":1,"a":2}\n{"id":2,"c":3}\n{"id":3,"cut', 'ndjson')).toEqual(['id', 'a', 'c']);
    expect(sniffColumns('{"id":1}\nnope\n{"x":1}\n', 'ndjson')).toEqual(['id']);
  });
});

describe('comparison rules', () => {
  const json: CompareSpec = { keyField: 'key', fields: null, ignore: new Set(), csv: false };
  const csv: CompareSpec = { ...json, csv: true };

  it('JSON: canonical equality, key order and number spelling do not matter', () => {
    expect(
      differingFields({ a: { x: 1, y: [1, 2] }, b: 1 }, { key: 'k', a: { y: [1, 2], x: 1.0 }, b: 1 }, json),
    ).toEqual([]);
    expect(differingFields({ a: '1', b: [2, 1] }, { key: 'k', a: 1, b: [1, 2] }, json)).toEqual(['a', 'b']);
  });
  it('JSON: missing on one side differs (also from null); store-only fields are not compared by default', () => {
    expect(differingFields({ a: null, extra: 5 }, { key: 'k', a: null, b: null }, json)).toEqual(['b']);
    expect(differingFields({}, { key: 'k', a: null }, json)).toEqual(['a']);
  });
  it('CSV: scalars by string form, null and missing equal an empty cell, objects by canonical JSON', () => {
    const store = { n: 1, f: 1.5, t: true, z: null, s: 'x', o: { b: 1, a: [1, 'x'] } };
    const cells = { key: 'k', n: '1', f: '1.5', t: 'true', z: '', s: 'x', o: '{"a":[1,"x"],"b":1}', gone: '' };
    expect(differingFields(store, cells, csv)).toEqual([]);
    expect(differingFields(store, { ...cells, n: '1.0', t: 'TRUE', gone: 'y' }, csv)).toEqual(['n', 't', 'gone']);
  });
  it('explicit fields and ignore', () => {
    const spec: CompareSpec = { ...json, fields: ['a', 'c'] };
    expect(differingFields({ a: 1, b: 2, c: 3 }, { key: 'k', a: 1, b: 9, c: 4 }, spec)).toEqual(['c']);
    const ign: CompareSpec = { ...json, ignore: new Set(['b']) };
    expect(differingFields({ a: 1, b: 2 }, { key: 'k', a: 1, b: 9 }, ign)).toEqual([]);
  });
  it('a non-object store value compares as the field "value"', () => {
    expect(storeFields(5)).toEqual({ value: 5 });
    expect(storeFields([1])).toEqual({ value: [1] });
    expect(differingFields(storeFields('v'), { key: 'k', value: 'v' }, json)).toEqual([]);
    expect(differingFields(storeFields([1, 2]), { key: 'k', value: '[1,2]' }, csv)).toEqual([]);
  });
});

describe('formats', () => {
  it('from file names and content types', () => {
    expect(formatFromFileName('a/b/snap.CSV')).toBe('csv');
    expect(formatFromFileName('x.jsonl')).toBe('ndjson');
    expect(formatFromFileName('x.txt')).toBeNull();
    expect(formatFromContentType('application/json; charset=utf-8')).toBe('json');
    expect(formatFromContentType('text/csv')).toBe('csv');
    expect(formatFromContentType('application/x-ndjson')).toBe('ndjson');
    expect(formatFromContentType(undefined)).toBeNull();
    expect(() => resolveFormat(undefined, 'data.txt')).toThrow(/cannot tell the format of "data.txt"/);
    expect(resolveFormat('ndjson', 'data.txt')).toBe('ndjson');
    expect(() => resolveFormat('xml', 'a.csv')).toThrow(/format: must be csv, json or ndjson/);
    expect(exportFormatFromFileName('out.ndjson', '--out')).toBe('ndjson');
    expect(() => exportFormatFromFileName('out.json', '--out')).toThrow(/must end in .csv or .ndjson/);
  });
});

describe('export', () => {
  const row: DiffRow = {
    key: 'k,"1"\n',
    status: 'different',
    fields: ['a', 'b'],
    store: {
      key: 'k,"1"\n',
      seq: 7,
      txn: 3,
      hash: 'h'.repeat(64),
      data: { b: 'x,y', a: 1 },
      time: '2026-01-01T00:00:00.000Z',
    },
    snapshot: { key: 'k,"1"\n', a: '2', b: 'say "hi"' },
  };
  it('CSV cells are quoted only when needed and read back exactly', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a"b')).toBe('"a""b"');
    const text =
      DIFF_CSV_COLUMNS.join(',') +
      '\r\n' +
      diffCsvLine(row) +
      diffCsvLine({ ...row, store: null, status: 'missingInStore', fields: [] });
    const back = parse<Record<string, string>>(text, { columns: true });
    expect(back[0]).toEqual({
      key: row.key,
      status: 'different',
      fields: 'a;b',
      storeSeq: '7',
      storeTxn: '3',
      storeTime: '2026-01-01T00:00:00.000Z',
      storeHash: 'h'.repeat(64),
      storeData: '{"a":1,"b":"x,y"}',
      snapshot: JSON.stringify(row.snapshot),
    });
    expect(back[1]!.storeSeq).toBe('');
  });
  it('NDJSON is one DiffRow per line', () => {
    const line = diffNdjsonLine(row);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(row);
  });
});
