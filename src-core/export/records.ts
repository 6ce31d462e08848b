/**
 * Counting the records of an exported file's text, whole (the browser's surface export downloads
 * the file and says how many rows it saved: `countCsvRecords`, `countNdjsonRecords`) or as it
 * streams by (`RecordCounter`: the HTTP services count an export's rows as they arrive, and tell a
 * complete text from one cut off mid-record). CSV by the quoting of csv.ts: a quote opens or closes
 * a quoted cell (a doubled quote inside one closes and reopens it), so a CR or LF inside quotes is
 * part of a cell, not a record's end; the first record is the header and is not counted as data;
 * a line with nothing on it is not a record. NDJSON: every non-blank line is one record (JSON
 * escapes newlines inside strings). `knownExportTotal`: when a topic's counters say how many rows
 * an export will have (every client's export progress). Pure, no node:*: the renderer imports it.
 */
import type { ExportFormat, ExportSurfaceRequest } from '../model/store-api';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const BLANK = /\s/;

export class RecordCounter {
  /** Records ended by a newline so far (a CSV header included). */
  complete = 0;
  private inQuotes = false;
  private lineHasContent = false;

  constructor(private readonly format: ExportFormat) {}

  push(text: string): void {
    const csv = this.format === 'csv';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF && !this.inQuotes) {
        if (this.lineHasContent) this.complete++;
        this.lineHasContent = false;
      } else if (csv) {
        if (c === QUOTE) this.inQuotes = !this.inQuotes;
        if (c !== CR) this.lineHasContent = true;
      } else if (!this.lineHasContent && !BLANK.test(text[i]!)) {
        this.lineHasContent = true;
      }
    }
  }

  /** Records so far, counting a last one that has no newline yet. */
  get records(): number {
    return this.complete + (this.lineHasContent ? 1 : 0);
  }

  /** True when the text so far ends at the end of a record (or is empty). */
  get atBoundary(): boolean {
    return !this.inQuotes && !this.lineHasContent;
  }
}

function count(format: ExportFormat, text: string): number {
  const c = new RecordCounter(format);
  c.push(text);
  return c.records;
}

/** Records in NDJSON text: non-blank lines. */
export function countNdjsonRecords(text: string): number {
  return count('ndjson', text);
}

/** Data records in CSV text (header excluded); newlines inside quoted cells do not count. */
export function countCsvRecords(text: string): number {
  return Math.max(0, count('csv', text) - 1);
}

/** The row count an export will have, when one counter says it: the valid view of a whole topic. */
export function knownExportTotal(req: ExportSurfaceRequest): boolean {
  return (req.view ?? 'valid') === 'valid' && req.prefix === undefined && req.asOfTxn === undefined;
}
