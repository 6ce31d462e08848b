/**
 * Content hashes (store/hash.ts): independent of key order, and the one-shot SHA-256 gives exactly
 * the hash of `createHash` on the canonical text of random JSON values and unicode strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../model/canonical';
import { jsonWithinLimits } from '../../test/json-values';
import { hashCanonical, hashCanonicalReference, hashData } from './hash';

describe('hashData', () => {
  it('hashes key-order-independently', () => {
    expect(hashData({ a: 1, b: 2 })).toBe(hashData({ b: 2, a: 1 }));
    expect(hashData({ a: 1, b: 2 })).not.toBe(hashData({ a: 1, b: 3 }));
    expect(hashData(null)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('one-shot SHA-256', () => {
  it('equals createHash on random JSON values', () => {
    fc.assert(
      fc.property(jsonWithinLimits(), (v) => {
        const text = canonicalJson(v);
        expect(hashCanonical(text)).toBe(hashCanonicalReference(text));
      }),
      { numRuns: 500 },
    );
  });

  it('equals createHash on unicode strings and keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), (o) => {
        const text = canonicalJson(o);
        expect(hashCanonical(text)).toBe(hashCanonicalReference(text));
      }),
      { numRuns: 300 },
    );
  });
});
