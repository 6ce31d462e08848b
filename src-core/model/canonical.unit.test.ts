import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, compareKeys, storedCanonicalJson, tryCanonicalJson } from './canonical';
import { LIMITS } from './limits';
import { jsonWithinLimits } from '../../test/json-values';

describe('canonicalJson', () => {
  it('sorts object keys recursively and drops whitespace', () => {
    expect(canonicalJson({ b: 2, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":2}',
    );
  });
  it('rejects values JSON cannot carry, naming the path', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/data\.a\[1\]/);
    expect(() => canonicalJson({ a: undefined })).toThrow(/data\.a/);
    expect(() => canonicalJson(new Date())).toThrow(/plain objects/);
  });
  it('writes member names as JSON.stringify does, cached or not', () => {
    const names = Array.from(
      { length: 700 },
      (_, i) => [`n${i}`, `q"${i}`, `b\\${i}`, `c\u0001${i}`, `s\ud800${i}`, `${'x'.repeat(70)}${i}`, `é${i}`][i % 7]!,
    );
    const obj = Object.fromEntries(names.map((n, i) => [n, i % 3 === 0 ? `v${i}` : i]));
    const expected = `{${[...names]
      .sort()
      .map((n) => `${JSON.stringify(n)}:${JSON.stringify(obj[n])}`)
      .join(',')}}`;
    // Twice: the second time the short names come from the cache of written names.
    expect(canonicalJson(obj)).toBe(expected);
    expect(canonicalJson(obj)).toBe(expected);
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.integer()), (d) => {
        const keys = Object.keys(d).sort();
        const ref = `{${keys.map((k) => `${JSON.stringify(k)}:${d[k]}`).join(',')}}`;
        expect(canonicalJson(d)).toBe(ref);
        expect(canonicalJson(d)).toBe(ref);
      }),
    );
  });
  it('writes objects whose names repeat, change or alternate from call to call and by depth as a sorted JSON.stringify', () => {
    // JSON of `v` with every object's names sorted: the reference, independent of canonical.ts.
    const reference = (v: unknown): string =>
      JSON.stringify(v, (_k, x: unknown) =>
        typeof x === 'object' && x !== null && !Array.isArray(x)
          ? Object.fromEntries(
              Object.keys(x)
                .sort()
                .map((k) => [k, (x as Record<string, unknown>)[k]]),
            )
          : x,
      );
    // Few names and values, so shapes repeat (same names in the same order), differ in one name,
    // come in another order, or nest; strings plain and not (a quote, a control character, long).
    const name = fc.constantFrom('a', 'b', 'c', 'px', 'qty', '"q"', 'x'.repeat(70));
    const leaf = fc.oneof(fc.constantFrom('v', 'é', 'a"b', 'c\u0001', 'l'.repeat(80), ''), fc.integer(), fc.boolean());
    const obj = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('object'), fc.array(tie('value'), { maxLength: 3 })),
      object: fc.dictionary(name, tie('value'), { maxKeys: 5 }),
    })).object;
    fc.assert(
      fc.property(fc.array(obj, { minLength: 1, maxLength: 6 }), (objects) => {
        // The fast path itself (canonicalJson would hide a refusal of it behind the checked walk).
        for (const o of objects) expect(tryCanonicalJson(o)).toBe(reference(o));
      }),
      { numRuns: 300 },
    );
    // The same names in two orders, then one name changed, one after the other.
    for (const o of [{ qty: 1, px: 'p', a: 'x' }, { a: 'y', px: 'q', qty: 2 }, { a: 'z', px: 'r', qtz: 3 }, {}]) {
      expect(tryCanonicalJson(o)).toBe(reference(o));
      expect(tryCanonicalJson([o, { n: o }])).toBe(reference([o, { n: o }]));
    }
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

/** `n` nested one-member objects around `inner`, built without recursion. */
function nested(n: number, inner: unknown = 1): unknown {
  let v = inner;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

describe('canonicalJson limits (the write path)', () => {
  const MAX = LIMITS.jsonDepthMax;

  it('takes nesting up to the limit and refuses one more level, naming where', () => {
    expect(canonicalJson(nested(MAX))).toBe('{"a":'.repeat(MAX) + '1' + '}'.repeat(MAX));
    expect(() => canonicalJson(nested(MAX + 1), 'events[3].data')).toThrow(
      new RegExp(`^events\\[3\\]\\.data(\\.a){10}…(\\.a){4}: nesting deeper than ${MAX} levels$`),
    );
    expect(() => canonicalJson([[[[1]]]].concat(nested(MAX) as never))).toThrow(
      /^data\[1\](\.a)+…(\.a)+: nesting deeper/,
    );
  });

  it.each([10_000, 1_000_000])('%i levels (and a cycle) are a 400, never a RangeError', (n) => {
    expect(() => canonicalJson(nested(n))).toThrow(/nesting deeper than 128 levels/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/^data(\.self)+…(\.self)+: nesting deeper/);
  });

  it('refuses numbers beyond ±(2^53 - 1), naming where', () => {
    expect(canonicalJson([2 ** 53 - 1, -(2 ** 53 - 1)])).toBe('[9007199254740991,-9007199254740991]');
    expect(() => canonicalJson({ id: 2 ** 53 })).toThrow(
      'data.id: number 9007199254740992 is beyond ±9007199254740991 (2^53 - 1) and cannot be carried exactly; send it as a string',
    );
    expect(() => canonicalJson({ 'x y': [1e300] })).toThrow(/^data\["x y"\]\[0\]: number 1e\+300 is beyond/);
  });
});

describe('storedCanonicalJson (the read path)', () => {
  it('equals canonicalJson within the limits', () => {
    fc.assert(
      fc.property(jsonWithinLimits(), (v) => {
        expect(storedCanonicalJson(v)).toBe(canonicalJson(v));
      }),
    );
  });

  it('reads data stored before the limits: any depth, big numbers, keys still sorted', () => {
    const deep = nested(100_000, { z: 2 ** 60, y: [1e300] });
    const text = storedCanonicalJson(deep as never);
    expect(text).toBe('{"a":'.repeat(100_000) + '{"y":[1e+300],"z":1152921504606847000}' + '}'.repeat(100_000));
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
