/**
 * The fast path of canonical JSON (`tryCanonicalJson`) must give exactly the text of the checked
 * walker and refuse exactly what the checked walker refuses (which is what names the bad path in a
 * BAD_REQUEST). The one-shot SHA-256 is checked on the same values in store/hash.unit.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkedCanonicalJson as canonicalJson, tryCanonicalJson as fastCanonicalJson } from './canonical';
import { jsonWithinLimits } from '../../test/json-values';

function modelOrUndefined(v: unknown): string | undefined {
  try {
    return canonicalJson(v);
  } catch {
    return undefined;
  }
}

describe('fast canonical JSON', () => {
  it('equal the model on random JSON values', () => {
    fc.assert(
      fc.property(jsonWithinLimits(), (v) => {
        expect(fastCanonicalJson(v)).toBe(canonicalJson(v));
      }),
      { numRuns: 500 },
    );
  });

  it('equal the model on unicode strings and keys, sorted or not', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), (o) => {
        expect(fastCanonicalJson(o)).toBe(canonicalJson(o));
      }),
      { numRuns: 300 },
    );
  });

  it('refuse what the model refuses', () => {
    class Point {
      x = 1;
    }
    const bad: unknown[] = [
      undefined,
      Number.NaN,
      Infinity,
      () => 1,
      10n,
      Symbol('s'),
      { a: undefined },
      [1, { b: Number.NaN }],
      new Point(),
      new Date(0),
      2 ** 53,
      -(2 ** 53),
      1e21,
      { a: [[[1e300]]] },
    ];
    for (const v of bad) {
      expect(modelOrUndefined(v)).toBeUndefined();
      expect(fastCanonicalJson(v)).toBeUndefined();
    }
    expect(fastCanonicalJson(Object.create(null) as object)).toBe('{}');
    expect(fastCanonicalJson({ b: 2, a: [1, 'x', null, true, -0, 1e15, 2 ** 53 - 1, 1e-300] })).toBe(
      canonicalJson({ b: 2, a: [1, 'x', null, true, -0, 1e15, 2 ** 53 - 1, 1e-300] }),
    );
  });
});
