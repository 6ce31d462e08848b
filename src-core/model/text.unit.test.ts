/**
 * Storable text (text.ts): the messages name the first problem and its index; and the fast check of
 * data, one regex over the canonical text, refuses exactly the values whose strings or member
 * names a plain per-string check refuses (random values built from backslashes, `u`, hex digits,
 * NUL, surrogates of both kinds and astral characters, so every escape look-alike is tried), with
 * the path of the first one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical';
import { checkStorableText, checkWellFormed, isStorableText, storableCanonicalJson, storableTextProblem } from './text';

/** The reference: the first unstorable string or member name, in canonical order, by a plain walk. */
function firstBad(v: unknown, path: string): string | null {
  if (typeof v === 'string') return isStorableText(v) ? null : path;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const f = firstBad(v[i] as unknown, `${path}[${i}]`);
      if (f !== null) return f;
    }
    return null;
  }
  if (typeof v === 'object' && v !== null) {
    for (const k of Object.keys(v).sort()) {
      if (!isStorableText(k)) return `${path}: member name ${JSON.stringify(k)}`;
      const f = firstBad((v as Record<string, unknown>)[k], `${path}.${k}`);
      if (f !== null) return f;
    }
  }
  return null;
}

const tricky = fc
  .array(fc.constantFrom('\\', 'u', '0', 'd', '8', 'c', 'f', 'a', '\u0000', '\ud800', '\udc00', '😀', '\u0001', '"'), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

const trickyJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('storable text', () => {
  it('names the first problem and where it is', () => {
    expect(storableTextProblem('fine 😀')).toBeNull();
    expect(storableTextProblem('ab\ud800')).toBe('must be well-formed Unicode (it has a lone surrogate at index 2)');
    expect(storableTextProblem('\udc00')).toBe('must be well-formed Unicode (it has a lone surrogate at index 0)');
    expect(storableTextProblem('x\ude00\ud83d')).toBe(
      'must be well-formed Unicode (it has a lone surrogate at index 1)',
    );
    expect(storableTextProblem('\ud83d\ude00\u0000')).toBe('must not contain NUL (U+0000)');
    expect(() => checkStorableText('a\u0000', 'reason')).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST', message: 'reason: must not contain NUL (U+0000)' }),
    );
    // Read parameters may hold NUL (a key stored before the rule), not a lone surrogate.
    expect(checkWellFormed('a\u0000', 'key')).toBe('a\u0000');
    expect(() => checkWellFormed('a\ud800', 'key')).toThrow(/^key: must be well-formed Unicode/);
  });

  it('refuses in data exactly what the per-string check refuses, naming the first place', () => {
    fc.assert(
      fc.property(trickyJson, (v) => {
        const bad = firstBad(v, 'data');
        if (bad === null) {
          expect(storableCanonicalJson(v, 'data')).toBe(canonicalJson(v));
        } else {
          expect(() => storableCanonicalJson(v, 'data')).toThrow(
            expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringMatching(/^data/) as unknown }),
          );
          let message = '';
          try {
            storableCanonicalJson(v, 'data');
          } catch (err) {
            message = (err as Error).message;
          }
          expect(message.startsWith(`${bad}${bad.includes(': member name') ? ' ' : ': '}`)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts escape look-alikes and refuses what hides behind an escaped backslash', () => {
    expect(storableCanonicalJson({ p: 'C:\\u0000\\ud800' }, 'data')).toBe('{"p":"C:\\\\u0000\\\\ud800"}');
    expect(() => storableCanonicalJson({ p: '\\\u0000' }, 'data')).toThrow(/^data\.p: must not contain NUL/);
    expect(() => storableCanonicalJson(['\\\\\ud800'], 'x')).toThrow(/^x\[0\]: must be well-formed Unicode/);
    // Not JSON is still refused first, as canonical JSON refuses it.
    expect(() => storableCanonicalJson({ a: Number.NaN }, 'data')).toThrow(/^data\.a: NaN is not a JSON number/);
  });
});
