/**
 * The text a diff's spill (spill.ts) keeps per snapshot record, and the sorted rows its worker
 * sends back. A CSV row is its cells run together with ROW_SEP rather than JSON, because splitting
 * it again costs a fraction of JSON.parse, and the worker's SQL builds each sorted row's line
 * (key and kept text; see the worker's ROW in spill.ts) so the worker does nothing per
 * row in JavaScript. Pure.
 */

/** A row coming back, in key order: its key and the kept value (parsed again). */
export type SpilledRow = [key: string, value: unknown];

/** Separates the fields of a spilled row; a newline separates rows. */
export const ROW_SEP = '\u0001';

/**
 * The text the spill keeps for a value: a flag, ROW_SEP, then the cells run together with ROW_SEP
 * (flag `c`: an array of strings none of which holds ROW_SEP or a newline, a CSV row nearly
 * always) or the value's JSON text (flag `j`: anything else; JSON text holds neither, since
 * JSON.stringify escapes every control character). Splitting is several times cheaper than JSON.parse.
 */
export function spillText(value: unknown): string {
  if (Array.isArray(value) && value.length > 0) {
    let plain = true;
    for (const c of value) {
      if (typeof c !== 'string' || c.includes(ROW_SEP) || c.includes('\n')) {
        plain = false;
        break;
      }
    }
    if (plain) return 'c' + ROW_SEP + (value as string[]).join(ROW_SEP);
  }
  return 'j' + ROW_SEP + JSON.stringify(value);
}

/**
 * A sorted row as the worker's SQL writes it: the key and the kept text (`spillText`), separated
 * by ROW_SEP. A key holding ROW_SEP or a newline, or starting with \u0002, comes as \u0002 and its
 * JSON text. (Record numbers and lines are not read back: only a duplicate key's message names
 * them, and the worker finds that itself.)
 */
export function spilledRow(row: string): SpilledRow {
  const parts = row.split(ROW_SEP);
  const k = parts[0]!;
  const key = k.charCodeAt(0) === 2 ? (JSON.parse(k.slice(1)) as string) : k;
  if (parts[1] === 'c') {
    // The cells: the parts after the key and the flag, moved down in place (no second array).
    parts.copyWithin(0, 2);
    parts.length -= 2;
    return [key, parts];
  }
  return [key, JSON.parse(parts[2]!)];
}
