/**
 * What the Repair dialog shows before writing: from the events a dry run says it would write and
 * the diff rows the person reviewed, one line per changed field (key, field, store → snapshot),
 * a new key's fields, or a removal (tombstone); "and M more" for what the preview leaves out; and
 * how many transactions the write takes (one per LIMITS.eventsPerTxnMax events, API.md "Repair").
 * Pure (unit-tested beside it).
 */
import { LIMITS } from '../../src-core/model/limits';
import type { DiffRow, JsonValue } from '../../src-core/model/types';
import { cellText, fmtNum, jsonPreview } from './format';

export interface PreviewLine {
  key: string;
  /** The field written, or null for the whole value (a removal, or a key the diff did not list). */
  field: string | null;
  /** The store's value now ('—' when there is none). */
  store: string;
  /** The value written. */
  snapshot: string;
}

type Obj = { [k: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is Obj {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

const same = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);
const shown = (v: JsonValue | undefined): string => (v === undefined ? '—' : cellText(v));

/** The lines of one event to be written, against the diff row of its key (if loaded). */
function linesOf(e: { key: string; data: JsonValue }, row: DiffRow | undefined): PreviewLine[] {
  const before = row?.store?.data;
  if (e.data === null) {
    return [
      { key: e.key, field: null, store: before === undefined ? '—' : jsonPreview(before, 80), snapshot: 'removed' },
    ];
  }
  if (row === undefined) return [{ key: e.key, field: null, store: '…', snapshot: jsonPreview(e.data, 80) }];
  if (!isObject(e.data) || (before !== undefined && !isObject(before))) {
    return [{ key: e.key, field: null, store: shown(before), snapshot: jsonPreview(e.data, 80) }];
  }
  const old: Obj = isObject(before) ? before : {};
  const names = [...new Set([...Object.keys(old), ...Object.keys(e.data)])];
  return names
    .filter((f) => !same(old[f], (e.data as Obj)[f]))
    .map((f) => ({ key: e.key, field: f, store: shown(old[f]), snapshot: shown((e.data as Obj)[f]) }));
}

/** One line per field each event changes, in the events' order. */
export function previewLines(
  events: readonly { key: string; data: JsonValue }[],
  rows: ReadonlyMap<string, DiffRow>,
): PreviewLine[] {
  return events.flatMap((e) => linesOf(e, rows.get(e.key)));
}

/** "and M more" when the preview lists `listed` of `total` keys, else null. */
export function moreText(listed: number, total: number): string | null {
  const more = total - listed;
  return more > 0 ? `and ${fmtNum(more)} more` : null;
}

/** Transactions a repair of `events` events takes (0 when nothing is written). */
export function txnsFor(events: number): number {
  return Math.ceil(events / LIMITS.eventsPerTxnMax);
}

/** "3 rows will be written in 1 transaction." */
export function writeSummary(events: number): string {
  if (events === 0) return 'Nothing to write: the selected rows already match the snapshot.';
  const t = txnsFor(events);
  return `${fmtNum(events)} row${events === 1 ? '' : 's'} will be written in ${fmtNum(t)} transaction${t === 1 ? '' : 's'}.`;
}
