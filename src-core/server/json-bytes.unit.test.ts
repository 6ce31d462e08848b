// Holds the checks that a body built in bytes (json-bytes.ts) is exactly the UTF-8 of the string
// its pieces make, whatever the pieces hold and however often the buffer has to grow.
import { describe, expect, it } from 'vitest';
import { JsonBytes } from './json-bytes';

describe('JsonBytes', () => {
  it('holds the UTF-8 of its pieces run together, growing as needed', () => {
    const pieces = ['{"a":', '"é\u2028ü"', ',"b":"\ud83d\ude00"', ',"c":"\ud800"', '}', '', 'x'.repeat(5000)];
    for (const capacity of [1, 7, 64 * 1024]) {
      const b = new JsonBytes(capacity);
      for (const p of pieces) b.add(p);
      expect(b.bytes().equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
    }
  });

  it('is empty before anything is added', () => {
    expect(new JsonBytes().bytes().length).toBe(0);
  });
});
