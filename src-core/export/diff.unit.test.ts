/**
 * The one diff file layout (export/diff.ts): the documented CSV columns, store columns empty for a
 * key only in the snapshot, the snapshot column empty for a key only in the store, canonical store
 * data and the snapshot record in its own order, every cell through the cell rule; NDJSON one
 * DiffRow per line. The whole file is the start then each row, so streaming writers and the app's
 * one-shot text give the same bytes.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { DiffRow } from '../model/types';
import {
  DIFF_CSV_COLUMNS,
  DIFF_CSV_HEADER,
  diffCsvLine,
  diffFileStart,
  diffFileText,
  diffNdjsonLine,
  diffRowLine,
} from './diff';

const rows: DiffRow[] = [
  {
    key: '=HYPERLINK("x")',
    status: 'different',
    fields: ['b', 'a'],
    store: {
      key: '=HYPERLINK("x")',
      seq: 7,
      txn: 3,
      hash: 'f'.repeat(64),
      data: { b: 'x,y', a: -1 },
      time: '2026-01-01T00:00:00.000Z',
    },
    snapshot: { key: '=HYPERLINK("x")', b: 'line\nbreak', a: '-1.5e3' },
  },
  {
    key: 'only-store',
    status: 'missingInSnapshot',
    fields: [],
    store: { key: 'only-store', seq: 1, txn: 1, hash: 'a'.repeat(64), data: 5, time: 't' },
    snapshot: null,
  },
  { key: 'only-snap', status: 'missingInStore', fields: [], store: null, snapshot: { key: 'only-snap', ü: '日本' } },
];

describe('diff CSV', () => {
  it('has the documented header', () => {
    expect(DIFF_CSV_HEADER).toBe('key,status,fields,storeSeq,storeTxn,storeTime,storeHash,storeData,snapshot\r\n');
    expect(DIFF_CSV_COLUMNS).toHaveLength(9);
  });
  it('writes each row, neutralised and quoted, read back exactly', () => {
    expect(diffCsvLine(rows[0]!)).toBe(
      `"'=HYPERLINK(""x"")",different,"b;a",7,3,2026-01-01T00:00:00.000Z,${'f'.repeat(64)},"{""a"":-1,""b"":""x,y""}","{""key"":""=HYPERLINK(\\""x\\"")"",""b"":""line\\nbreak"",""a"":""-1.5e3""}"\r\n`,
    );
    const back = parse<Record<string, string>>(diffFileText(rows, 'csv'), { columns: true });
    expect(back.map((r) => [r.key, r.status, r.storeSeq, r.storeData, r.snapshot])).toEqual([
      ['\'=HYPERLINK("x")', 'different', '7', '{"a":-1,"b":"x,y"}', JSON.stringify(rows[0]!.snapshot)],
      ['only-store', 'missingInSnapshot', '1', '5', ''],
      ['only-snap', 'missingInStore', '', '', '{"key":"only-snap","ü":"日本"}'],
    ]);
  });
});

describe('diff files', () => {
  it('are the start, then every row in order, in either format', () => {
    for (const format of ['csv', 'ndjson'] as const) {
      expect(diffFileText(rows, format)).toBe(diffFileStart(format) + rows.map((r) => diffRowLine(r, format)).join(''));
    }
    expect(diffFileStart('ndjson')).toBe('');
    expect(diffFileText([], 'csv')).toBe(DIFF_CSV_HEADER);
  });
  it('NDJSON: one DiffRow per LF-terminated line, values unchanged', () => {
    const text = diffFileText(rows, 'ndjson');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(rows);
  });
});

describe('diff files with comparison options', () => {
  const opts = { keyField: 'id', limit: 5, map: { quantity: 'qty' }, normalise: ['case'], tolerance: 0.5 };
  it('NDJSON: the first line records the options in one order; rows follow unchanged', () => {
    const line = '{"options":{"keyField":"id","map":{"quantity":"qty"},"tolerance":0.5,"normalise":["case"]}}\n';
    expect(diffFileStart('ndjson', opts)).toBe(line);
    expect(diffFileText(rows, 'ndjson', opts)).toBe(line + rows.map(diffNdjsonLine).join(''));
  });
  it('without map, tolerance or normalise an NDJSON file is rows only; a CSV is always a plain table', () => {
    expect(diffFileStart('ndjson', { keyField: 'id', fields: ['a'], asOfTxn: 3 })).toBe('');
    expect(diffFileStart('ndjson')).toBe('');
    expect(diffFileText(rows, 'csv', opts)).toBe(diffFileText(rows, 'csv'));
  });
});
