/**
 * Counting the records of an exported file's text as it streams by (`RecordCounter`: every HTTP
 * client counts an export's rows as they arrive, and tells a complete text from one cut off
 * mid-record, incoming.ts). CSV by the quoting of csv.ts: a quote opens or closes a quoted cell (a
 * doubled quote inside one closes and reopens it), so a CR or LF inside quotes is part of a cell,
 * not a record's end; the first record is the header and is not counted as data; a line with
 * nothing on it is not a record. NDJSON: every non-blank line is one record (JSON escapes newlines
 * inside strings). `exportTotal`: how many rows an export will have, when a topic's counters say it
 * (every client's export progress). Pure, no node:*: the renderer imports it.
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

/** Whether one counter says how many rows an export will have: the valid view of a whole topic. */
function knownExportTotal(req: ExportSurfaceRequest): boolean {
  return (req.view ?? 'valid') === 'valid' && req.prefix === undefined && req.asOfTxn === undefined;
}

/**
 * The rows an export will have, for its progress: the topic's `keys` counter (`info` looks the
 * topic up) when progress is wanted and that counter says it, else null; a failed lookup is null
 * too (the export goes on without a total). Every client's export asks it this way.
 */
export function exportTotal(
  req: ExportSurfaceRequest,
  op: { onProgress?: unknown },
  info: () => Promise<{ keys: number }>,
): Promise<number | null> {
  if (op.onProgress === undefined || !knownExportTotal(req)) return Promise.resolve(null);
  return info().then(
    (t) => t.keys,
    () => null,
  );
}
