/**
 * After a repair the diff runs again; the keys it repaired are equal now, so the new diff does not
 * list them (it lists non-equal rows only). To show them as equal, each linked to the transaction
 * that repaired it, the rows of the new diff are merged with an equal row per repaired key the new
 * diff does not list, its store side the event the repair wrote. When the new diff is truncated, a
 * key it does not list may lie beyond its rows, so only keys before its last row are claimed equal.
 * A repaired key the new diff still lists keeps its real status. Pure (unit-tested beside it).
 */
import type { DiffResult, DiffRow, StoredEvent } from '../../src-core/model/types';

/** key -> the event the repair wrote for it (its `txn` is the repair transaction). */
export type Repaired = ReadonlyMap<string, StoredEvent>;

export function repairedOf(events: readonly StoredEvent[]): Map<string, StoredEvent> {
  return new Map(events.map((e) => [e.key, e]));
}

export function withRepaired(result: DiffResult, repaired: Repaired): DiffRow[] {
  if (repaired.size === 0) return result.rows;
  const listed = new Set(result.rows.map((r) => r.key));
  const last = result.rows.at(-1)?.key;
  const extra: DiffRow[] = [];
  for (const [key, e] of repaired) {
    if (listed.has(key) || e.data === null) continue;
    if (result.truncated && (last === undefined || key > last)) continue;
    extra.push({
      key,
      status: 'equal',
      fields: [],
      store: { key, seq: e.seq, txn: e.txn, hash: e.hash, data: e.data, time: e.time },
      snapshot: null,
    });
  }
  if (extra.length === 0) return result.rows;
  return [...result.rows, ...extra].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
