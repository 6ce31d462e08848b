/**
 * The UTF-8 helpers against Node's own: `invalidUtf8At` finds an error exactly where `isUtf8`
 * does (random bytes, and well-formed text with one byte damaged), and `utf8ByteLength` equals
 * `Buffer.byteLength` for well-formed strings.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invalidUtf8At, utf8ByteLength } from './utf8';

function agrees(b: Buffer): void {
  const at = invalidUtf8At(b);
  expect(at === -1).toBe(isUtf8(b));
  if (at >= 0) {
    // Everything before the offset is well-formed; the sequence starting there is not.
    expect(isUtf8(b.subarray(0, at))).toBe(true);
    expect(isUtf8(b.subarray(at, at + 4)) && at + 4 <= b.length).toBe(false);
  }
}

describe('invalidUtf8At', () => {
  it.each([
    [[0x61, 0xff], 1],
    [[0xc0, 0x80], 0], // overlong
    [[0xe0, 0x80, 0x80], 0], // overlong
    [[0x61, 0xed, 0xa0, 0x80], 1], // a surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    [[0x61, 0x62, 0xe2, 0x82], 2], // truncated at the end
    [[0x80], 0], // a stray continuation byte
    [[0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1], // "€😀"
  ])('%j -> %i', (bytes, at) => {
    expect(invalidUtf8At(Uint8Array.from(bytes))).toBe(at);
  });

  it('agrees with isUtf8 on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (a) => agrees(Buffer.from(a))),
      { numRuns: 20_000 },
    );
  });

  it('finds one damaged byte in otherwise well-formed text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (s, at, byte) => {
          const b = Buffer.from(s, 'utf8');
          if (b.length > 0) b[at % b.length] = byte;
          agrees(b);
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

describe('utf8ByteLength', () => {
  it('equals Buffer.byteLength for well-formed strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s, 'utf8'));
      }),
    );
  });
});
