/**
 * The one CSV cell rule of every CSV the product writes (surface export from the server and the
 * desktop app, surface.ts; diff rows from the CLI `--out` and the app's Diff tab, diff.ts), so a
 * file is safe to open in a spreadsheet (docs/security.md, "Safe exports"). A text cell that starts
 * with `=`, `+`, `-`, `@`, tab or carriage return would be read as a formula: it gets a leading `'`
 * (the OWASP CSV-injection rule), unless the whole cell is a JSON number (`-5`, `-1.5e-7`), which a
 * spreadsheet reads as that number and Tidemark's diff compares as one, so exported numbers come
 * back unchanged. `+3` is not a JSON number: it is neutralised (`'+3`). A cell is then quoted
 * (RFC 4180: `"` around, inner quotes doubled) when it holds a comma, quote, CR or LF, a semicolon
 * or tab (the field separator of some spreadsheet locales), or starts or ends with whitespace.
 * Records end in CRLF. Pure, no node:*: the renderer imports it.
 */

/** Characters that make a spreadsheet read a cell as a formula (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A JSON number, exactly as `JSON.stringify` of a number writes one (and JSON.parse reads). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",;\t\r\n]|^\s|\s$/;

/** The cell's text with a leading `'` when a spreadsheet would read it as a formula. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) && !JSON_NUMBER.test(text) ? `'${text}` : text;
}

/** One CSV cell: neutralised, then quoted when it must be. */
export function csvCell(text: string): string {
  const safe = neutraliseCell(text);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record (every cell through `csvCell`), ending in CRLF. */
export function csvRecord(cells: readonly string[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) out += (i === 0 ? '' : ',') + csvCell(cells[i]!);
  return out + '\r\n';
}
