/**
 * Counting the records of an exported file's text (the browser's surface export downloads the
 * file whole and says how many rows it saved). CSV by the quoting of csv.ts: a quote opens or
 * closes a quoted cell (a doubled quote inside one closes and reopens it), so a CR or LF inside
 * quotes is part of a cell; the first record is the header and is not counted; a line with
 * nothing on it is not a record. NDJSON: every non-blank line is one record. Pure.
 */

/** Records in NDJSON text: non-blank lines. */
export function countNdjsonRecords(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') n++;
  return n;
}

/** Data records in CSV text (header excluded); newlines inside quoted cells do not count. */
export function countCsvRecords(text: string): number {
  let records = 0;
  let inQuotes = false;
  let lineHasContent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      inQuotes = !inQuotes;
      lineHasContent = true;
    } else if (c === 10 /* \n */ && !inQuotes) {
      if (lineHasContent) records++;
      lineHasContent = false;
    } else if (c !== 13 /* \r */) {
      lineHasContent = true;
    }
  }
  if (lineHasContent) records++;
  return Math.max(0, records - 1);
}
