/**
 * The text a diff's spill (spill.ts) keeps per snapshot record, and the sorted rows its worker
 * sends back. A CSV row is its cells run together with ROW_SEP rather than JSON, because splitting
 * it again costs a fraction of JSON.parse, and the worker's SQL builds each sorted row's line
 * (key and kept text; see the worker's ROW in spill.ts) so the worker does nothing per
 * row in JavaScript. Pure.
 */

/**
 * Rows coming back, in key order: their keys and kept texts (`spillText`), index for index. Two
 * arrays rather than a [key, value] pair per row: a batch's pairs all lived until the merge had
 * passed them, and V8, seeing nearly all of the first batch's pairs survive a scavenge, allocated
 * every later pair in the old generation, which then kept each row's cells alive until a full
 * collection (docs/bench.md, "Wall, fourth pass"). A kept text is decoded (`spilledValue`) only
 * when the merge needs the value: a CSV row found equal by its text (csv-text.ts `matches`) never
 * is, so its cells are never split apart (docs/bench.md, "Ninth pass").
 */
export interface SpilledRows {
  keys: string[];
  values: string[];
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
 * duplicate key's message names them, and the worker finds that itself.) A kept text holds no
 * newline (a cell with one is kept as JSON, which escapes it), and a key's first ROW_SEP ends it.
 */
export function spilledRows(text: string): SpilledRows {
  const keys: string[] = [];
  const values: string[] = [];
  for (let at = 0; ;) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    const sep = text.indexOf(ROW_SEP, at);
    const k = text.slice(at, sep);
    keys.push(k.charCodeAt(0) === 2 ? (JSON.parse(k.slice(1)) as string) : k);
    values.push(text.slice(sep + 1, end));
    if (nl < 0) break;
    at = nl + 1;
  }
  return { keys, values };
}

/** The value a kept text (`spillText`) holds: a CSV row's cells, or what its JSON text says. */
export function spilledValue(kept: string): unknown {
  return kept.charCodeAt(0) === 0x63 ? kept.slice(2).split(ROW_SEP) : JSON.parse(kept.slice(2));
}
