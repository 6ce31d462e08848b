/**
 * UTF-8 facts the boundary needs, in plain code: where the first byte that is not well-formed
 * UTF-8 is (for the message that refuses a body or snapshot: overlong forms, surrogates, code
 * points above U+10FFFF, stray continuation bytes and truncated sequences all count), and how many
 * UTF-8 bytes a string takes (for limits counted in bytes). The fast validity checks are the
 * runtime's (TextDecoder `fatal`, Node's `isUtf8`); these run only to describe a failure or near a
 * limit; `decodeUtf8` is the one strict decode (bytes to text, or BAD_REQUEST naming the first bad
 * byte) that request bodies and `tidemark write` input go through. Pure: no Node APIs.
 */
import { badRequest } from './errors';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `bytes` as text; BAD_REQUEST `<what>: is not valid UTF-8 (at byte N)`, never U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    throw badRequest(`${what}: is not valid UTF-8 (at byte ${invalidUtf8At(bytes)})`);
  }
}

/** Offset of the first byte of `b` that is not part of well-formed UTF-8, or -1 if there is none. */
export function invalidUtf8At(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0; // no overlong forms
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90; // no overlong forms
      if (c === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    if (i + need >= n) return i; // truncated at the end
    const second = b[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const x = b[i + k]!;
      if (x < 0x80 || x > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** The bytes `s` takes as UTF-8 (a lone surrogate, which has no UTF-8 form, counts 2). */
export function utf8ByteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // 2 bytes below U+0800, 3 above, and 4 for a surrogate pair (2 per surrogate).
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return n;
}
