/** Export file names (`<topic>-<kind>.<format>`), media types, and the format a name implies. */
import { describe, expect, it } from 'vitest';
import {
  diffFileName,
  exportFileName,
  exportFormatFromFileName,
  exportFormatOfFileName,
  exportMediaType,
} from './names';

describe('export file names', () => {
  it('makes safe file names', () => {
    expect(exportFileName('a:b/c', 'surface', 'csv')).toBe('a_b_c-surface.csv');
    expect(exportFileName('demo.trades', 'diff', 'ndjson')).toBe('demo.trades-diff.ndjson');
    expect(exportFileName('é "x"\\y', 'diff', 'csv')).toBe('___x__y-diff.csv');
  });
  it('a diff export names its comparison options when they are short', () => {
    expect(diffFileName('t:x', 'csv')).toBe('t_x-diff.csv');
    expect(diffFileName('t', 'csv', { keyField: 'id', fields: ['a'] })).toBe('t-diff.csv');
    expect(
      diffFileName('t', 'ndjson', { map: { quantity: 'qty' }, tolerance: 0.01, normalise: ['trim', 'case'] }),
    ).toBe('t-diff_map-quantity-qty_tol-0.01_norm-trim-case.ndjson');
    expect(diffFileName('t', 'csv', { tolerance: { px: 1e-7 }, map: { 'a b': 'ü' } })).toBe(
      't-diff_map-a_b-__tol-px-1e-7.csv',
    );
    expect(diffFileName('t', 'csv', { map: { ['x'.repeat(30)]: 'y'.repeat(30) } })).toBe('t-diff.csv');
  });
  it('tells the format from the extension, in any case', () => {
    expect(exportFormatOfFileName('a/b/OUT.CSV')).toBe('csv');
    expect(exportFormatOfFileName('x.ndjson')).toBe('ndjson');
    expect(exportFormatOfFileName('x.jsonl')).toBe('ndjson');
    expect(exportFormatOfFileName('x.json')).toBeNull();
    expect(exportFormatOfFileName('csv')).toBeNull();
    expect(() => exportFormatFromFileName('x.tsv', '--out')).toThrow('--out: "x.tsv" must end in .csv or .ndjson');
  });
  it('gives each format one media type', () => {
    expect(exportMediaType('csv')).toBe('text/csv; charset=utf-8');
    expect(exportMediaType('ndjson')).toBe('application/x-ndjson; charset=utf-8');
  });
});
