/**
 * The body parser's decoding (json-body.ts `parseJsonBody`): an all-ASCII body is taken as latin1,
 * anything else through the strict UTF-8 decoder. Whatever path a body takes, its value or its
 * refusal is the one the strict decoder and the strict reader give: over ASCII and non-ASCII
 * bodies, invalid UTF-8, byte order marks, and views into a larger buffer at an offset.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../model/json-text';
import { decodeUtf8 } from '../model/utf8';
import { parseJsonBody } from './json-body';

const enc = new TextEncoder();

/** What the strict path makes of `bytes`: the value, or the refusal's message. */
function strict(bytes: Uint8Array): unknown {
  try {
    const text = decodeUtf8(bytes, 'body');
    return { value: /^[ \t\r\n]*$/.test(text) ? undefined : parseJsonText(text, { envelope: 1 }) };
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

function viaParser(bytes: Uint8Array): unknown {
  try {
    return { value: parseJsonBody(bytes).value };
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

const texts = [
  '{"a":1,"b":[true,null,"x"]}',
  '  {"k":"\\u00e9\\ud83d\\ude00"}  ',
  '{"k":"é","m":"😀"}',
  '{"k":"\u0080\u00ff"}',
  '\ufeff{"a":1}',
  '{"a":1,"a":2}',
  '{"a":1} x',
  '{"a":9007199254740993}',
  '{"s":"\\ud800"}',
  '   ',
  '',
  '[' + '{"t":"' + 'x'.repeat(300) + '"},'.repeat(50) + '1]',
];

describe('parseJsonBody decoding', () => {
  it.each(texts)('answers as the strict decoder and reader: %j', (text) => {
    const bytes = enc.encode(text);
    expect(viaParser(bytes)).toEqual(strict(bytes));
    // A view into a larger buffer, not at its start (a Buffer and a plain Uint8Array).
    const big = new Uint8Array(bytes.length + 20).fill(0x7b);
    big.set(bytes, 7);
    const view = big.subarray(7, 7 + bytes.length);
    expect(viaParser(view)).toEqual(strict(bytes));
    expect(viaParser(Buffer.from(big.buffer, 7, bytes.length))).toEqual(strict(bytes));
  });

  it('refuses bytes that are not UTF-8, naming the first, whatever precedes them', () => {
    for (const bytes of [
      Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d]),
      Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
      Uint8Array.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
      Uint8Array.from([0x80]),
    ]) {
      expect(viaParser(bytes)).toEqual(strict(bytes));
      expect(viaParser(Buffer.from(bytes))).toEqual(strict(bytes));
    }
    expect(viaParser(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toEqual({
      threw: 'body: is not valid UTF-8 (at byte 6)',
    });
  });
});
