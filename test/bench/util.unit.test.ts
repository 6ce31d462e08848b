import { describe, expect, it } from 'vitest';
import { fmtInt, withRatio } from '../../bench/util';

describe('withRatio', () => {
  it('prints the value and its ratio to the base with two decimals', () => {
    expect(withRatio(150, 100, fmtInt)).toBe('150 (1.50x)');
    expect(withRatio(2.5, 10, (x) => x.toFixed(1))).toBe('2.5 (0.25x)');
  });

  it('prints 1.00x for the base row itself', () => {
    expect(withRatio(42_000, 42_000, fmtInt)).toBe('42,000 (1.00x)');
  });

  it('prints n/a when there is no usable base', () => {
    expect(withRatio(5, 0, fmtInt)).toBe('5 (n/a)');
    expect(withRatio(5, Number.NaN, fmtInt)).toBe('5 (n/a)');
    expect(withRatio(Number.NaN, 5, fmtInt)).toBe('NaN (n/a)');
  });
});
