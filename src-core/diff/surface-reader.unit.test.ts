/**
 * The diff's surface reader (surface-reader.ts) against a store that only pages a surface: the page
 * sizes it asks for (a small first page, then doubling up to the page size, never past a smaller
 * one) and that every row is read exactly once, in key order. The store is a stand-in because what
 * is tested is the reader's paging, not any backend (the diff's integration tests read real ones).
 */
import { describe, expect, it } from 'vitest';
import { compareKeys } from '../model/canonical';
import type { SurfaceOptions, SurfacePage, SurfaceRow } from '../model/types';
import type { EventStore } from '../store/types';
import { SurfaceReader } from './surface-reader';

/** A store with only `surface`: `n` keys in code-point order, recording each page's `limit`. */
function pagedStore(n: number): { store: EventStore; limits: number[] } {
  const keys = Array.from({ length: n }, (_, i) => `k${String(i).padStart(6, '0')}`).sort(compareKeys);
  const limits: number[] = [];
  const surface = (_topic: string, opts: SurfaceOptions = {}): Promise<SurfacePage> => {
    const limit = opts.limit!;
    limits.push(limit);
    const from = opts.after === undefined ? 0 : keys.indexOf(opts.after) + 1;
    const rows = keys
      .slice(from, from + limit)
      .map((key, i): SurfaceRow => ({ key, seq: from + i + 1, txn: 1, time: '', hash: '', data: { i: from + i } }));
    return Promise.resolve({ rows, next: from + limit < n ? rows.at(-1)!.key : null });
  };
  return { store: { surface } as unknown as EventStore, limits };
}

async function readAll(reader: SurfaceReader): Promise<string[]> {
  const keys: string[] = [];
  for (let p = await reader.next(); p !== null; p = await reader.next()) for (const r of p.rows) keys.push(r.key);
  return keys;
}

describe('SurfaceReader', () => {
  it('asks for 64 rows first, then twice as many per page up to the page size, and reads every row once', async () => {
    const { store, limits } = pagedStore(5_000);
    const keys = await readAll(new SurfaceReader(store, 't', 1_000, undefined));
    expect(limits).toEqual([64, 128, 256, 512, 1_000, 1_000, 1_000, 1_000, 1_000]);
    expect(keys).toHaveLength(5_000);
    expect(new Set(keys).size).toBe(5_000);
  });

  it('never asks for more than a smaller page size', async () => {
    const { store, limits } = pagedStore(50);
    await readAll(new SurfaceReader(store, 't', 7, undefined));
    expect(limits.every((l) => l === 7)).toBe(true);
  });
});
