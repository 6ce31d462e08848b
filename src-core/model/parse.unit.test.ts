/**
 * The one integer rule (model/parse.ts): plain decimal only, safe, within bounds, with the
 * contract's wording. That every caller keeps to it is test/cli/integers.unit.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { NOT_INTEGERS } from '../../test/integer-texts';
import { integerRule, parseInteger, parseIntegerField, parseSeq, parseTxn } from './parse';

describe('parseInteger', () => {
  it('takes plain decimals up to the largest safe integer', () => {
    expect(parseInteger('0')).toBe(0);
    expect(parseInteger('10')).toBe(10);
    expect(parseInteger('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });
  it('refuses signs, leading zeros, exponents, fractions, spaces, other digits and unsafe integers', () => {
    for (const t of NOT_INTEGERS) expect(parseInteger(t), JSON.stringify(t)).toBeNull();
  });
  it('keeps to its bounds, both included', () => {
    expect(parseInteger('0', 1)).toBeNull();
    expect(parseInteger('1', 1, 3)).toBe(1);
    expect(parseInteger('3', 1, 3)).toBe(3);
    expect(parseInteger('4', 1, 3)).toBeNull();
  });
  it('reads seqs from 0 and txns from 1', () => {
    expect(parseSeq('0')).toBe(0);
    expect(parseTxn('0')).toBeNull();
    expect(parseTxn('12')).toBe(12);
  });
});

describe('the wording', () => {
  it("is the contract's", () => {
    expect(integerRule()).toBe('a non-negative integer');
    expect(integerRule(1)).toBe('a positive integer');
    expect(integerRule(5)).toBe('an integer >= 5');
    expect(integerRule(1, 10000)).toBe('an integer from 1 to 10000');
    expect(integerRule(0, 100000)).toBe('an integer from 0 to 100000');
  });
  it('names the field and quotes the text in a BAD_REQUEST', () => {
    expect(() => parseIntegerField('limit', 'abc', 1, 10000)).toThrow(
      'limit: must be an integer from 1 to 10000, got "abc"',
    );
    expect(() => parseIntegerField('Last-Event-ID', '-1', 0, undefined, '(a seq)')).toThrow(
      'Last-Event-ID: must be a non-negative integer (a seq), got "-1"',
    );
    let code: unknown;
    try {
      parseIntegerField('after', 'x');
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    expect(code).toBe('BAD_REQUEST');
  });
});
