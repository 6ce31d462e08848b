import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, compareKeys } from './canonical';
import { jsonWithinLimits } from '../../test/json-values';
import { hashData } from './hash';

describe('canonicalJson', () => {
  it('sorts object keys recursively and drops whitespace', () => {
    expect(canonicalJson({ b: 2, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":2}',
    );
  });
  it('hashes key-order-independently', () => {
    expect(hashData({ a: 1, b: 2 })).toBe(hashData({ b: 2, a: 1 }));
    expect(hashData({ a: 1, b: 2 })).not.toBe(hashData({ a: 1, b: 3 }));
    expect(hashData(null)).toMatch(/^[0-9a-f]{64}$/);
  });
  it('rejects values JSON cannot carry, naming the path', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/data\.a\[1\]/);
    expect(() => canonicalJson({ a: undefined })).toThrow(/data\.a/);
    expect(() => canonicalJson(new Date())).toThrow(/plain objects/);
  });
  it('round-trips through JSON.parse to an equal canonical form', () => {
    fc.assert(
      fc.property(jsonWithinLimits(), (v) => {
        const c = canonicalJson(v);
        expect(canonicalJson(JSON.parse(c))).toBe(c);
      }),
    );
  });
});

describe('compareKeys', () => {
  it('orders by UTF-8 bytes (code points)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        // Lone surrogates are not encodable; only compare well-formed strings.
        if (!a.isWellFormed() || !b.isWellFormed()) return;
        expect(Math.sign(compareKeys(a, b))).toBe(bytes);
      }),
    );
  });
});
