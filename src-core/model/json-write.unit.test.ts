/**
 * json-write.ts `quoteJsonString` against `JSON.stringify`: the same text for every string (the
 * escapes, lone surrogates, the length past which it hands over), and canonical JSON built on it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from './canonical';
import { quoteJsonString } from './json-write';

describe('quoteJsonString', () => {
  it('writes every string as JSON.stringify does', () => {
    const cases = [
      '',
      'a',
      'buy',
      '100.25',
      'a"b',
      'a\\b',
      '\u0000',
      '\u001f',
      '\u0020',
      'tab\there',
      'line\nfeed',
      '\u007f',
      'é',
      '\u2028\u2029',
      '\ud83d\ude00',
      '\ud800',
      'x\udc00',
      '\ud83d',
      '\uffff',
      'x'.repeat(64),
      'x'.repeat(65),
      `${'x'.repeat(64)}"`,
      `${'x'.repeat(70)}\ud800`,
    ];
    for (const s of cases) expect(quoteJsonString(s), JSON.stringify(s)).toBe(JSON.stringify(s));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        expect(quoteJsonString(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives canonical JSON JSON.stringify's member names, strings and numbers", () => {
    const v = { 'a"': '\ud800', b: -0, c: [9007199254740991, 0.1, -5e-7, 1e-7, 'q\\'], '\n': 'é' };
    expect(canonicalJson(v)).toBe('{"\\n":"é","a\\"":"\\ud800","b":0,"c":[9007199254740991,0.1,-5e-7,1e-7,"q\\\\"]}');
  });
});
