/**
 * The diff options `map`, `tolerance` and `normalise` (their text forms: wire/diff-query.unit.test.ts):
 * the checks of `checkOptions` (each refusal names the option), renaming records and CSV headers, and
 * the value rules of compare.ts under them for JSON records and CSV cells alike.
 */
import { describe, expect, it } from 'vitest';
import { type CompareSpec, differingCells, differingFields } from './compare';
import { LIMITS } from '../model/limits';
import { checkOptions, mapColumns, mapRecord } from './options';
import type { DiffOptions } from './types';

const refused = (opts: DiffOptions): string => {
  try {
    checkOptions(opts);
  } catch (e) {
    expect(e).toMatchObject({ code: 'BAD_REQUEST' });
    return (e as Error).message;
  }
  throw new Error('not refused');
};

/** A compare spec for the given options (JSON records, or CSV cells). */
function specOf(opts: DiffOptions, csv: boolean): CompareSpec {
  const o = checkOptions(opts);
  const spec: CompareSpec = { keyField: o.keyField, fields: o.fields, ignore: o.ignore, csv };
  if (o.rules !== undefined) spec.rules = o.rules;
  return spec;
}

describe('checkOptions refusals name the option', () => {
  it('map', () => {
    expect(refused({ keyField: 'id', map: { id: 'x' } })).toBe('map: the key field "id" cannot be renamed');
    expect(refused({ keyField: 'id', map: { a: 'id' } })).toBe('map: "a" cannot be renamed to the key field "id"');
    expect(refused({ map: { a: 'x', b: 'x' } })).toBe('map: "a" and "b" both map to "x"');
    expect(refused({ map: {} })).toBe('map: name at least one field');
    expect(refused({ map: { a: '' } })).toBe('map: field names must be non-empty strings');
    expect(refused({ map: ['a'] as unknown as Record<string, string> })).toMatch(/^map: must map/);
  });
  it('tolerance', () => {
    expect(refused({ tolerance: -0.1 })).toMatch(/^tolerance: must be a number that is not negative/);
    expect(refused({ tolerance: Number.NaN })).toMatch(/^tolerance: must be a number/);
    expect(refused({ tolerance: Number.POSITIVE_INFINITY })).toMatch(/^tolerance: must be a number/);
    expect(refused({ tolerance: { px: -1 } })).toBe('tolerance: "px" must be a number that is not negative');
    expect(refused({ tolerance: { px: '1' as unknown as number } })).toBe(
      'tolerance: "px" must be a number that is not negative',
    );
    expect(refused({ tolerance: { key: 1 } })).toBe('tolerance: the key field "key" is not compared');
    expect(refused({ tolerance: {} })).toBe('tolerance: name at least one field');
  });
  it('at most LIMITS.diffFieldsMax fields in any list, whichever path sent it', () => {
    const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `f${i}`);
    const max = LIMITS.diffFieldsMax;
    expect(() => checkOptions({ fields: names(max), ignore: names(max) })).toThrow(
      /every listed field is also ignored/,
    );
    expect(checkOptions({ fields: names(max) }).fields).toHaveLength(max);
    const over = names(max + 1);
    expect(refused({ fields: over })).toBe(`fields: names ${max + 1} fields; at most ${max}`);
    expect(refused({ ignore: over })).toBe(`ignore: names ${max + 1} fields; at most ${max}`);
    expect(refused({ map: Object.fromEntries(over.map((f) => [f, `s.${f}`])) })).toBe(
      `map: names ${max + 1} fields; at most ${max}`,
    );
    expect(refused({ tolerance: Object.fromEntries(over.map((f) => [f, 1])) })).toBe(
      `tolerance: names ${max + 1} fields; at most ${max}`,
    );
  });

  it('normalise', () => {
    expect(refused({ normalise: ['upper' as 'case'] })).toBe('normalise: "upper" is not one of trim, case');
    expect(refused({ normalise: ['trim', 'trim'] })).toBe('normalise: "trim" is listed twice');
    expect(refused({ normalise: [] })).toBe('normalise: name at least one of trim, case');
  });
  it('no rules without tolerance or normalise (the plain comparison)', () => {
    expect(checkOptions({}).rules).toBeUndefined();
    expect(checkOptions({}).map).toBeNull();
  });
});

describe('map renames snapshot fields', () => {
  const map = new Map([
    ['quantity', 'qty'],
    ['price', 'px'],
  ]);
  it('records keep their member order; a record holding both names is refused, naming it', () => {
    expect(Object.keys(mapRecord({ id: 'k', price: 1, quantity: 2, x: 3 }, map, 'record 1'))).toEqual([
      'id',
      'px',
      'qty',
      'x',
    ]);
    expect(() => mapRecord({ id: 'k', quantity: 2, qty: 3 }, map, 'record 4 (line 5)')).toThrow(
      'record 4 (line 5): has both "quantity" and "qty", and map renames "quantity" to "qty"',
    );
    expect(() => mapRecord({ id: 'k', qty: 3, quantity: 2 }, map, 'record 2')).toThrow(
      'record 2: has both "quantity" and "qty", and map renames "quantity" to "qty"',
    );
    // A swap is one simultaneous rename, not a collision.
    const swap = new Map([
      ['a', 'b'],
      ['b', 'a'],
    ]);
    expect(mapRecord({ a: 1, b: 2 }, swap, 'record 1')).toEqual({ b: 1, a: 2 });
  });
  it('CSV headers: every mapped field must be a column, and no two columns may meet', () => {
    expect(mapColumns(['id', 'quantity', 'price'], map)).toEqual(['id', 'qty', 'px']);
    expect(mapColumns(['id', 'a'], null)).toEqual(['id', 'a']);
    expect(() => mapColumns(['id', 'quantity'], map)).toThrow(
      'map: "price" is not a column of the CSV header (columns: "id", "quantity")',
    );
    expect(() => mapColumns(['id', 'quantity', 'price', 'qty'], map)).toThrow(
      'the CSV header: has both "quantity" and "qty", and map renames "quantity" to "qty"',
    );
  });
});

describe('tolerance in the comparison', () => {
  it('JSON: numbers within it are equal, exactly in decimal (1.1 and 1 are within 0.1)', () => {
    const spec = specOf({ tolerance: 0.1 }, false);
    expect(differingFields({ a: 1, b: 1.1, c: 100 }, { key: 'k', a: 1.1, b: 1, c: 100.2 }, spec)).toEqual(['c']);
    expect(differingFields({ a: -0.05 }, { key: 'k', a: 0.05 }, spec)).toEqual([]);
    expect(differingFields({ a: 1e21 }, { key: 'k', a: 1e21 + 1e6 }, spec)).toEqual(['a']);
    // A JSON string is not a number: compared as before.
    expect(differingFields({ a: 1 }, { key: 'k', a: '1' }, spec)).toEqual(['a']);
    expect(differingFields({ a: '1.0' }, { key: 'k', a: '1' }, spec)).toEqual(['a']);
  });
  it('NDJSON records are JSON records: the same rule', () => {
    const spec = specOf({ tolerance: { px: 0.5 } }, false);
    expect(differingFields({ px: 10, qty: 1 }, { key: 'k', px: 10.5, qty: 1.5 }, spec)).toEqual(['qty']);
  });
  it('CSV: a cell in JSON number grammar counts as a number (tolerance 0: numeric equality)', () => {
    const zero = specOf({ tolerance: 0 }, true);
    expect(differingFields({ a: 1, b: 1.5 }, { key: 'k', a: '1.0', b: '15e-1' }, zero)).toEqual([]);
    expect(differingFields({ a: 1 }, { key: 'k', a: '1.0' }, specOf({}, true))).toEqual(['a']);
    const spec = specOf({ tolerance: { px: 0.01 } }, true);
    expect(differingFields({ px: 101.5, qty: 5 }, { key: 'k', px: '101.509', qty: '5.0' }, spec)).toEqual(['qty']);
    expect(differingFields({ px: 101.5 }, { key: 'k', px: '101.52' }, spec)).toEqual(['px']);
    // Not numbers: compared as text.
    expect(differingFields({ px: 1 }, { key: 'k', px: ' 1' }, spec)).toEqual(['px']);
    expect(differingFields({ px: '1' }, { key: 'k', px: '1.0' }, spec)).toEqual(['px']);
    expect(differingFields({ px: null }, { key: 'k', px: '' }, spec)).toEqual([]);
  });
  it('CSV fast path (cells by column) agrees', () => {
    const o = checkOptions({ tolerance: 0.5, normalise: ['trim', 'case'] });
    const cols = [
      { name: 'qty', index: 1 },
      { name: 'side', index: 2 },
    ];
    expect(differingCells({ qty: 5, side: 'Buy' }, ['k', '5.4', ' BUY '], cols, o.rules)).toEqual([]);
    expect(differingCells({ qty: 5, side: 'Buy' }, ['k', '5.6', 'sell'], cols, o.rules)).toEqual(['qty', 'side']);
    expect(differingCells({ qty: 5, side: 'Buy' }, ['k', '5.4', ' BUY '], cols)).toEqual(['qty', 'side']);
  });
});

describe('normalise in the comparison', () => {
  it('JSON: strings on both sides; objects and arrays still compare exactly', () => {
    const spec = specOf({ normalise: ['trim', 'case'] }, false);
    expect(differingFields({ a: ' Buy', b: 'X' }, { key: 'k', a: 'BUY  ', b: 'x' }, spec)).toEqual([]);
    expect(differingFields({ o: { s: 'A' } }, { key: 'k', o: { s: 'a' } }, spec)).toEqual(['o']);
    expect(differingFields({ a: 'Buy' }, { key: 'k', a: 'buy' }, specOf({ normalise: ['trim'] }, false))).toEqual([
      'a',
    ]);
    expect(differingFields({ a: ' buy ' }, { key: 'k', a: 'buy' }, specOf({ normalise: ['case'] }, false))).toEqual([
      'a',
    ]);
  });
  it('CSV: the cell and the store scalar as text; an object stays exact', () => {
    const spec = specOf({ normalise: ['trim', 'case'] }, true);
    expect(differingFields({ a: ' Buy', t: true, n: 5 }, { key: 'k', a: 'BUY', t: 'TRUE', n: ' 5 ' }, spec)).toEqual(
      [],
    );
    expect(differingFields({ o: { A: 1 } }, { key: 'k', o: '{"a":1}' }, spec)).toEqual(['o']);
    expect(differingFields({ o: { A: 1 } }, { key: 'k', o: '{"A":1}' }, spec)).toEqual([]);
  });
});
