import { describe, expect, it } from 'vitest';
import { ROW_SEP, spillText, spilledRows, spilledValue } from './spill-text';

/** A sorted row as the spill worker's SQL builds it. */
const row = (key: string, value: unknown): string => {
  const k =
    key.includes(ROW_SEP) || key.includes('\n') || key.startsWith('\u0002') ? '\u0002' + JSON.stringify(key) : key;
  return [k, spillText(value)].join(ROW_SEP);
};

describe('spill text', () => {
  it('keeps a row of plain cells as the cells run together, not as JSON', () => {
    expect(spillText(['K1', 'a', ''])).toBe(['c', 'K1', 'a', ''].join(ROW_SEP));
  });

  it('falls back to JSON for cells holding a separator or a newline, records, and empty arrays', () => {
    for (const v of [['a\u0001b'], ['a\nb'], { key: 'K', a: [1, 'x\u0001'] }, [], ['a', 1], 'text', null]) {
      expect(spillText(v).startsWith('j' + ROW_SEP)).toBe(true);
    }
  });

  it('gives back every key and value it was given', () => {
    const cases: [string, unknown][] = [
      ['K1', ['K1', 'a', '', ' b ']],
      ['a\u0001b', { key: 'a\u0001b', v: 'x\ny', n: -1.5, o: { z: [true, null] } }],
      ['c\nd', ['c\nd', '\u0001']],
      ['\u0002e', ['\u0002e', '\u0002']],
      ['\u{1F600}', ['\u{1F600}']],
      ['k', ['']],
    ];
    const decoded = (r: { keys: string[]; values: string[] }): { keys: string[]; values: unknown[] } => ({
      keys: r.keys,
      values: r.values.map(spilledValue),
    });
    for (const [key, value] of cases) {
      const r = spilledRows(row(key, value));
      expect(r.values).toEqual([spillText(value)]);
      expect(decoded(r)).toEqual({ keys: [key], values: [value] });
    }
    // A batch: the rows run together, one per line.
    expect(decoded(spilledRows(cases.map(([key, value]) => row(key, value)).join('\n')))).toEqual({
      keys: cases.map(([key]) => key),
      values: cases.map(([, value]) => value),
    });
  });
});
