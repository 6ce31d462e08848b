import { describe, expect, it } from 'vitest';
import { LIMITS } from '../model/limits';
import { cutPage, dataBytes } from './page-cut';

const SIZE = (s: string | null): number => dataBytes(s);

/** Rows whose data texts are `sizes` bytes of ASCII, counting how many were taken from the iterator. */
function rows(sizes: number[]) {
  const taken = { n: 0 };
  function* gen(): Generator<string> {
    for (const s of sizes) {
      taken.n++;
      yield 'x'.repeat(s);
    }
  }
  return { it: gen(), taken };
}

const lengths = (page: { rows: (string | null)[]; more: boolean }) => ({
  rows: page.rows.map((r) => r?.length ?? -1),
  more: page.more,
});
const cut = (sizes: number[], limit: number, max: number) => lengths(cutPage(rows(sizes).it, limit, SIZE, max));

describe('cutPage', () => {
  it('ends a page at limit rows, knowing from the next row whether more follow', () => {
    expect(cut([1, 1, 1], 2, 100)).toEqual({ rows: [1, 1], more: true });
    expect(cut([1, 1], 2, 100)).toEqual({ rows: [1, 1], more: false });
    expect(cut([], 2, 100)).toEqual({ rows: [], more: false });
  });

  it('ends a page at the row whose data reaches the bound, not before', () => {
    // Before the third row: 99, under 100, so it is taken; it reaches the bound.
    expect(cut([50, 49, 10, 1], 10, 100)).toEqual({ rows: [50, 49, 10], more: true });
    // Exactly 100 before the third: the page ended with the second.
    expect(cut([50, 50, 10], 10, 100)).toEqual({ rows: [50, 50], more: true });
    // Reached by the last row: nothing follows.
    expect(cut([50, 50], 10, 100)).toEqual({ rows: [50, 50], more: false });
  });

  it('gives a row larger than the bound a page of its own', () => {
    expect(cut([500, 1], 10, 100)).toEqual({ rows: [500], more: true });
    expect(cut([1, 500, 1], 10, 100)).toEqual({ rows: [1, 500], more: true });
  });

  it('reads no row past the one after the page', () => {
    const r = rows([60, 60, 60, 60, 60]);
    expect(lengths(cutPage(r.it, 10, SIZE, 100)).rows).toEqual([60, 60]);
    expect(r.taken.n).toBe(3);
  });

  it('cuts by the real bound by default', () => {
    const half = LIMITS.pageDataBytesMax / 2;
    expect(cutPage(rows([half, half, 1]).it, 10, SIZE).rows).toHaveLength(2);
    expect(cutPage(rows([half, half - 1, 1]).it, 10, SIZE).rows).toHaveLength(3);
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 40 characters of 2 bytes each: 80 bytes. Before the third row: 160, past the bound.
    const wide = 'é'.repeat(40);
    expect(cutPage([wide, wide, wide], 10, SIZE, 100).rows).toHaveLength(2);
    // 3-byte characters: 30 of them are 90 bytes, and 10 more reach the bound; 4-byte ones are two UTF-16 units.
    expect(cutPage(['€'.repeat(30), 'x'.repeat(10), 'x'], 10, SIZE, 100)).toMatchObject({ more: true });
    expect(cutPage(['€'.repeat(30), 'x'.repeat(10), 'x'], 10, SIZE, 100).rows).toHaveLength(2);
    expect(cutPage(['€'.repeat(30), 'x'.repeat(9), 'x'], 10, SIZE, 100).rows).toHaveLength(3);
    expect(cutPage(['𝄞'.repeat(24), 'x'.repeat(3), 'x'], 10, SIZE, 100).rows).toHaveLength(3);
    // A stored NULL counts as the `null` a page writes.
    expect(cutPage([null, 'x'.repeat(96), 'x'], 10, SIZE, 100).rows).toHaveLength(2);
    expect(cutPage([null, 'x'.repeat(95), 'x'], 10, SIZE, 100).rows).toHaveLength(3);
  });
});

describe('dataBytes', () => {
  it('counts UTF-8 bytes of the JSON text, and a stored NULL as the `null` a page writes', () => {
    expect(dataBytes('"abc"')).toBe(5);
    expect(dataBytes('"é"')).toBe(4);
    expect(dataBytes('"𝄞"')).toBe(6);
    expect(dataBytes(null)).toBe(dataBytes('null'));
  });
});
