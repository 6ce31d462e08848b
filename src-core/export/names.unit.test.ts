/** Export file names (`<topic>-<kind>.<format>`), media types, and the format a name implies. */
import { describe, expect, it } from 'vitest';
import { exportFileName, exportFormatFromFileName, exportFormatOfFileName, exportMediaType } from './names';

describe('export file names', () => {
  it('makes safe file names', () => {
    expect(exportFileName('a:b/c', 'surface', 'csv')).toBe('a_b_c-surface.csv');
    expect(exportFileName('demo.trades', 'diff', 'ndjson')).toBe('demo.trades-diff.ndjson');
    expect(exportFileName('é "x"\\y', 'diff', 'csv')).toBe('___x__y-diff.csv');
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
