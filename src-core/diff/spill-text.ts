/**
 * The text a diff's spill (spill.ts) keeps per snapshot record, and the sorted rows its worker
 * sends back. A CSV row is its cells run together with ROW_SEP rather than JSON, because splitting
 * it again costs a fraction of JSON.parse, and the worker's SQL builds each sorted row's line
 * (key and kept text; see the worker's ROW in spill.ts) so the worker does nothing per
 * row in JavaScript. Pure.
 */

/**
 * Rows coming back, in key order: their keys and kept values (parsed again), index for index. Two
 * arrays rather than a [key, value] pair per row: a batch's pairs all lived until the merge had
 * passed them, and V8, seeing nearly all of the first batch's pairs survive a scavenge, allocated
 * every later pair in the old generation, which then kept each row's cells alive until a full
 * collection (docs/bench.md, "Wall, fourth pass").
 */
export interface SpilledRows {
  keys: string[];
  values: unknown[];
}

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
 * Sorted rows as the worker's SQL writes them, one per line: the key and the kept text
 * (`spillText`), separated by ROW_SEP. A key holding ROW_SEP or a newline, or starting with
 * \u0002, comes as \u0002 and its JSON text. (Record numbers and lines are not read back: only a
 * duplicate key's message names them, and the worker finds that itself.)
 */
export function spilledRows(text: string): SpilledRows {
  const keys: string[] = [];
  const values: unknown[] = [];
  for (const row of text.split('\n')) {
    const parts = row.split(ROW_SEP);
    const k = parts[0]!;
    keys.push(k.charCodeAt(0) === 2 ? (JSON.parse(k.slice(1)) as string) : k);
    if (parts[1] === 'c') {
      // The cells: the parts after the key and the flag, moved down in place (no second array).
      parts.copyWithin(0, 2);
      parts.length -= 2;
      values.push(parts);
    } else values.push(JSON.parse(parts[2]!));
  }
  return { keys, values };
}
