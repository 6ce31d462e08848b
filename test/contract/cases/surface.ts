/**
 * Contract cases for the surface: code-point key order, key-cursor paging, prefix ranges (also
 * with a cursor, and with characters above U+FFFF), the valid and raw views, markers never being
 * rows, and `asOfTxn` (the surface right after txn N, validity as known now), paged by key too.
 */
import { describe, expect, it } from 'vitest';
import { compareKeys } from '../../../src-core/model/canonical';
import { type StoreFixture, expectCode, freshTopic, surfaceAll } from '../harness';

export function surfaceCases(fx: StoreFixture): void {
  describe('surface', () => {
    it('orders rows by code point and pages by key cursor', async () => {
      const t = freshTopic();
      const keys = ['b', 'a', 'B', 'é', '😀', '\uffee', 'a0', 'a/', 'ab', 'Z', '0', '~'];
      await fx.store.append(t, { events: keys.map((k, i) => ({ key: k, data: i })) });
      const expected = [...keys].sort(compareKeys);
      const all = await fx.store.surface(t, { limit: 100 });
      expect(all.rows.map((r) => r.key)).toEqual(expected);
      expect(all.next).toBeNull();
      const paged = await surfaceAll(fx.store, t, {}, 5);
      expect(paged.map((r) => r.key)).toEqual(expected);
      const first = await fx.store.surface(t, { limit: 5 });
      expect(first.next).toBe(expected[4]);
      const row = all.rows.find((r) => r.key === 'a0')!;
      expect(row).toMatchObject({ key: 'a0', seq: 7, txn: 1, data: 6 });
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.invalid).toBeUndefined();
    });

    it('filters by prefix as a key range, also with a cursor', async () => {
      const t = freshTopic();
      const keys = ['a', 'ab', 'abc', 'abd', 'ac', 'b', 'ab\u{10ffff}', 'ab😀', 'aa'];
      await fx.store.append(t, { events: keys.map((k) => ({ key: k, data: k })) });
      const ab = await surfaceAll(fx.store, t, { prefix: 'ab' });
      expect(ab.map((r) => r.key)).toEqual(['ab', 'abc', 'abd', 'ab😀', 'ab\u{10ffff}']);
      const page = await fx.store.surface(t, { prefix: 'ab', after: 'abc', limit: 2 });
      expect(page.rows.map((r) => r.key)).toEqual(['abd', 'ab😀']);
      expect(page.next).toBe('ab😀');
      expect((await fx.store.surface(t, { prefix: 'zz' })).rows).toEqual([]);
      expect((await fx.store.surface(t, { prefix: 'ab', after: 'b' })).rows).toEqual([]);
      expect((await fx.store.surface(t, { prefix: 'ab', after: 'a' })).rows).toHaveLength(5);
    });

    it('never shows markers; raw flags rows of invalid transactions', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      await fx.store.append(t, {
        events: [
          { key: 'a', data: 2 },
          { key: 'x', data: 2 },
        ],
      });
      await fx.store.invalidate(t, 2, 'no');
      const valid = await surfaceAll(fx.store, t);
      expect(valid.map((r) => [r.key, r.data, r.invalid])).toEqual([['a', 1, undefined]]);
      const raw = await surfaceAll(fx.store, t, { view: 'raw' });
      expect(raw.map((r) => [r.key, r.data, r.invalid])).toEqual([
        ['a', 2, true],
        ['x', 2, true],
      ]);
      expect((await fx.store.surface(freshTopic())).rows).toEqual([]);
    });

    it('gives the surface as of a transaction, validity as known now', async () => {
      const t = freshTopic();
      await fx.store.append(t, {
        events: [
          { key: 'a', data: 'a1' },
          { key: 'b', data: 'b1' },
        ],
      }); // 1
      await fx.store.append(t, {
        events: [
          { key: 'a', data: 'a2' },
          { key: 'c', data: 'c2' },
        ],
      }); // 2
      await fx.store.append(t, {
        events: [
          { key: 'b', data: null },
          { key: 'd', data: 'd3' },
        ],
      }); // 3
      await fx.store.append(t, { events: [{ key: 'a', data: 'a4' }] }); // 4
      await fx.store.invalidate(t, 2, 'bad'); // 5
      const asOf = async (n: number, view: 'valid' | 'raw' = 'valid'): Promise<unknown[]> =>
        (await surfaceAll(fx.store, t, { asOfTxn: n, view }, 2)).map((r) => [r.key, r.data, r.invalid ?? false]);
      expect(await asOf(0)).toEqual([]);
      expect(await asOf(1)).toEqual([
        ['a', 'a1', false],
        ['b', 'b1', false],
      ]);
      expect(await asOf(2)).toEqual([
        ['a', 'a1', false],
        ['b', 'b1', false],
      ]);
      expect(await asOf(2, 'raw')).toEqual([
        ['a', 'a2', true],
        ['b', 'b1', false],
        ['c', 'c2', true],
      ]);
      expect(await asOf(3)).toEqual([
        ['a', 'a1', false],
        ['d', 'd3', false],
      ]);
      expect(await asOf(4)).toEqual([
        ['a', 'a4', false],
        ['d', 'd3', false],
      ]);
      expect(await asOf(99)).toEqual(await asOf(5));
      const page = await fx.store.surface(t, { asOfTxn: 3, limit: 1 });
      expect(page.rows.map((r) => r.key)).toEqual(['a']);
      expect(page.next).toBe('a');
      const withPrefix = await fx.store.surface(t, { asOfTxn: 1, prefix: 'b' });
      expect(withPrefix.rows.map((r) => [r.key, r.seq, r.txn])).toEqual([['b', 2, 1]]);
    });

    it('validates its options', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      await expectCode(fx.store.surface(t, { view: 'weird' as 'raw' }), 'BAD_REQUEST', /view/);
      await expectCode(fx.store.surface(t, { limit: 0 }), 'BAD_REQUEST', /limit/);
      await expectCode(fx.store.surface(t, { asOfTxn: -2 }), 'BAD_REQUEST', /asOfTxn/);
    });
  });
}
