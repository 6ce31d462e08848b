// Holds the check that a surface export written from rows read as stored text
// (surfaceTextRowsText) is byte for byte what the parsed rows give (surfaceRowsText), in CSV and
// NDJSON: integer-like member names, escapes, non-ASCII and astral text, numbers, cells a
// spreadsheet would take as formulas, deep data, invalid rows.
import { describe, expect, it } from 'vitest';
import { storedCanonicalJson } from '../model/canonical';
import type { SurfaceRowText } from '../model/stored-json';
import type { JsonValue, SurfaceRow } from '../model/types';
import { surfaceRowsText, surfaceTextRowsText } from './surface';

function deep(levels: number): JsonValue {
  let v: JsonValue = 1;
  for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

const DATA: JsonValue[] = [
  { b: 1, a: 'x,y' },
  { '10': 1, '2': 2, a: { '0': [1, { '07': 'z', '7': null }] } },
  { 'a"b': 'q\u2028\u0001\\', é: 'ü', s: '😀 and 中文', nl: 'a\r\nb' },
  [1.5, -0, 9007199254740991, 0.30000000000000004, 5e-324, true, false, null, ''],
  '=1+1',
  -42,
  null,
  deep(5_000),
];

describe('surface export from stored text', () => {
  it('writes what the parsed rows give, in both formats', () => {
    const texts: SurfaceRowText[] = DATA.map((v, i) => ({
      key: i % 2 === 0 ? `k"${i},\n` : `+k${i}`,
      seq: i + 10,
      txn: i + 2,
      hash: 'ef'.repeat(32),
      data: storedCanonicalJson(v),
      time: i < 4 ? '2026-01-01T00:00:00.000Z' : '2026-01-02T00:00:00.000Z',
      ...(i % 3 === 0 ? { invalid: true as const } : {}),
    }));
    const parsed: SurfaceRow[] = texts.map((r) => ({ ...r, data: JSON.parse(r.data) as JsonValue }));
    for (const format of ['csv', 'ndjson'] as const) {
      expect(surfaceTextRowsText(texts, format), format).toBe(surfaceRowsText(parsed, format));
    }
    expect(surfaceTextRowsText([], 'ndjson')).toBe('');
  });
});
