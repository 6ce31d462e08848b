import { describe, expect, it } from 'vitest';
import { diffQuery, parseMap, parseNormalise, parseTolerance } from './diff-query';
import { queryString } from './query';

describe('diffQuery', () => {
  it('names each option as the route does', () => {
    const q = diffQuery({
      keyField: 'id',
      fields: ['a', 'b'],
      ignore: ['c'],
      limit: 0,
      asOfTxn: 3,
      includeEqual: true,
      format: 'csv',
    });
    expect(queryString(q)).toBe('key=id&fields=a%2Cb&ignore=c&limit=0&asOfTxn=3&includeEqual=true&format=csv');
    expect(queryString(diffQuery({}))).toBe('');
    expect(queryString(diffQuery({ ignore: [] }))).toBe('');
  });

  it('refuses names the route would split or trim, and an empty field list', () => {
    expect(() => diffQuery({ fields: ['a', 'b,c'] })).toThrow(/^fields\[1\]: "b,c" cannot be sent/);
    expect(() => diffQuery({ ignore: [' a'] })).toThrow(/^ignore\[0\]: " a" cannot be sent/);
    expect(() => diffQuery({ fields: [''] })).toThrow(/^fields\[0\]: must be a non-empty field name/);
    expect(() => diffQuery({ fields: [] })).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST', message: 'fields: name at least one field' }),
    );
  });
});

describe('reading the text forms', () => {
  it('map: from:to pairs, trimmed; malformed pairs and a field mapped twice are refused', () => {
    expect(parseMap('quantity:qty, price : px', 'map')).toEqual({ quantity: 'qty', price: 'px' });
    expect(parseMap('__proto__:x', 'map')).toEqual(JSON.parse('{"__proto__":"x"}'));
    expect(() => parseMap('a:b,a:c', 'map')).toThrow('map: "a" is mapped twice');
    expect(() => parseMap('a', 'map')).toThrow('map: "a" is not snapshotField:storeField');
    expect(() => parseMap('a:b:c', '--map')).toThrow('--map: "a:b:c" is not snapshotField:storeField');
    expect(() => parseMap('a:', 'map')).toThrow('map: "a:" is not snapshotField:storeField');
    expect(() => parseMap('a:b,,c:d', 'map')).toThrow(/^map: an empty name/);
  });

  it('tolerance: one number, or field:number pairs; negatives, words and over-long decimals are refused', () => {
    expect(parseTolerance('0.5', 'tolerance')).toBe(0.5);
    expect(parseTolerance('1e-3', 'tolerance')).toBe(0.001);
    expect(parseTolerance('px:0.01,qty:1', 'tolerance')).toEqual({ px: 0.01, qty: 1 });
    expect(() => parseTolerance('-1', 'tolerance')).toThrow('tolerance: "-1" must not be negative');
    expect(() => parseTolerance('abc', 'tolerance')).toThrow('tolerance: "abc" must be a number');
    expect(() => parseTolerance('', 'tolerance')).toThrow('tolerance: "" must be a number');
    expect(() => parseTolerance('.5', 'tolerance')).toThrow('tolerance: ".5" must be a number');
    expect(() => parseTolerance('px:-0.1', 'tolerance')).toThrow('tolerance "px": "-0.1" must not be negative');
    expect(() => parseTolerance('px:1,px:2', 'tolerance')).toThrow('tolerance: "px" is named twice');
    expect(() => parseTolerance('0.5,px:1', 'tolerance')).toThrow('tolerance: "0.5" is not field:number');
    expect(() => parseTolerance('0.10000000000000000001', 'tolerance')).toThrow(
      'tolerance: "0.10000000000000000001" has more digits than a number carries',
    );
    expect(() => parseTolerance('1e999', 'tolerance')).toThrow(
      'tolerance: "1e999" has more digits than a number carries',
    );
    expect(parseTolerance('0.100', 'tolerance')).toBe(0.1);
    expect(parseTolerance('-0', 'tolerance')).toBe(-0);
  });

  it('normalise: a comma list, its words checked by checkOptions', () => {
    expect(parseNormalise('trim, case', 'normalise')).toEqual(['trim', 'case']);
    expect(() => parseNormalise('trim,', 'normalise')).toThrow(/^normalise: an empty name/);
  });
});

describe('map, tolerance and normalise in the query', () => {
  it('are written as the readers read them back', () => {
    const q = diffQuery({
      map: { quantity: 'qty', price: 'px' },
      tolerance: { px: 1e-7, qty: 1 },
      normalise: ['trim'],
    });
    expect(queryString(q)).toBe('map=quantity%3Aqty%2Cprice%3Apx&tolerance=px%3A1e-7%2Cqty%3A1&normalise=trim');
    expect(parseMap(q.map as string, 'map')).toEqual({ quantity: 'qty', price: 'px' });
    expect(parseTolerance(q.tolerance as string, 'tolerance')).toEqual({ px: 1e-7, qty: 1 });
    expect(parseTolerance(diffQuery({ tolerance: 0.25 }).tolerance as string, 'tolerance')).toBe(0.25);
    expect(parseNormalise(q.normalise as string, 'normalise')).toEqual(['trim']);
  });
  it('refuses names the route would split at a colon, and numbers JSON cannot write', () => {
    expect(() => diffQuery({ map: { 'a:b': 'c' } })).toThrow(/^map\[0\]: "a:b" cannot be sent/);
    expect(() => diffQuery({ tolerance: { 'x,y': 1 } })).toThrow(/^tolerance\[0\]: "x,y" cannot be sent/);
    expect(() => diffQuery({ tolerance: Number.NaN })).toThrow('tolerance: must be a finite number');
  });
});
