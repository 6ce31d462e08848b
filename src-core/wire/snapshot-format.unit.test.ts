import { describe, expect, it } from 'vitest';
import {
  CONTENT_TYPES,
  formatFromContentType,
  formatFromFileName,
  parseSnapshotFormat,
  resolveFormat,
} from './snapshot-format';

describe('snapshot formats', () => {
  it('from a file name: the documented extensions only', () => {
    expect(formatFromFileName('x.CSV')).toBe('csv');
    expect(formatFromFileName('x.jsonl')).toBe('ndjson');
    expect(formatFromFileName('x.ndjson')).toBe('ndjson');
    expect(formatFromFileName('x.json')).toBe('json');
    expect(formatFromFileName('x.txt')).toBeNull();
    expect(formatFromFileName('x.tsv')).toBeNull();
    expect(formatFromFileName('csv')).toBeNull();
  });

  it('from a Content-Type, parameters ignored; and back', () => {
    expect(formatFromContentType('text/csv; charset=utf-8')).toBe('csv');
    expect(formatFromContentType('application/ndjson')).toBe('ndjson');
    expect(formatFromContentType('text/tab-separated-values')).toBeNull();
    expect(formatFromContentType(undefined)).toBeNull();
    for (const f of ['csv', 'json', 'ndjson'] as const) expect(formatFromContentType(CONTENT_TYPES[f])).toBe(f);
  });

  it('resolveFormat: the explicit one, else the name’s; a .tsv is refused saying why', () => {
    expect(resolveFormat('json', 'x.csv')).toBe('json');
    expect(resolveFormat(undefined, 'a/b.csv')).toBe('csv');
    expect(() => resolveFormat('xml', 'x.csv')).toThrow(/format: must be csv, json or ndjson, got "xml"/);
    expect(() => resolveFormat(undefined, 'data.txt')).toThrow(/cannot tell the format of "data.txt"/);
    expect(() => resolveFormat(undefined, 'upstream.tsv')).toThrow(
      expect.objectContaining({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(
          /"upstream.tsv" is tab-separated \(.tsv\), which is not a snapshot format/,
        ) as unknown,
      }),
    );
    expect(() => parseSnapshotFormat(1, '--format')).toThrow(/^--format: /);
  });
});
