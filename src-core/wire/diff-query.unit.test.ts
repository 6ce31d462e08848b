import { describe, expect, it } from 'vitest';
import { diffQuery } from './diff-query';
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
