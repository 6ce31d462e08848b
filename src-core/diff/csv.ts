/**
 * Streaming CSV snapshot parser over csv-parse, fed bytes (strict UTF-8, see utf8.ts): a header row
 * is required (its names non-empty and distinct), RFC 4180 quoting (quoted commas, quotes, CR/LF),
 * LF or CRLF line ends, a BOM dropped, blank lines skipped, every cell a string, every record as
 * many cells as the header. `parseCsvRows` yields cell arrays, `parseCsvBatches` the same a
 * chunk's worth at a time (the diff's fast path); `parseCsv` yields records as objects. Records
 * carry their 1-based number and the line they start on, counted from the newlines actually in the
 * cells. A record whose cells hold more than
 * `LIMITS.snapshotRecordBytesMax` bytes (an unterminated quote, a row that never ends) is refused
 * as soon as it does (csv-parse's `max_record_size`), never buffered whole. Errors are BAD_REQUEST
 * naming the record and line.
 */
import { type CsvError, parse } from 'csv-parse';
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { JsonValue } from '../model/types';
import { turn } from './pacer';
import type { Chunk, SnapshotRecord } from './types';
import { utf8Chunks } from './utf8';

export interface CsvRow {
  n: number;
  line: number;
  cells: string[];
}

export interface CsvHooks {
  onBytes?: (bytes: number) => void;
  /** Gets the header before the first record (may throw to stop). */
  onHeader?: (columns: string[]) => void;
  /** Most bytes handed to the parser at a time (default utf8.ts's slice). */
  sliceBytes?: number;
}

/** Yields the data rows of a CSV byte stream as cell arrays. */
export async function* parseCsvRows(body: AsyncIterable<Chunk>, hooks: CsvHooks = {}): AsyncGenerator<CsvRow> {
  for await (const rows of parseCsvBatches(body, hooks)) yield* rows;
}

/**
 * The same rows as `parseCsvRows`, a batch per chunk of input (the diff's fast path: one step of
 * an async generator per chunk rather than per row). The rows before a bad record come in a batch
 * of their own before its error.
 */
export async function* parseCsvBatches(body: AsyncIterable<Chunk>, hooks: CsvHooks = {}): AsyncGenerator<CsvRow[]> {
  // Column counts are checked here (csv-parse's message would be about its own line count), and
  // blank lines arrive as [''] and are skipped here, so line numbers stay exact.
  const parser = parse({
    bom: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n'],
    max_record_size: LIMITS.snapshotRecordBytesMax,
  });
  // Records are collected from 'data' events, which arrive before the 'error' of a later record,
  // so every good record is handed on before the error, and the error knows where it happened.
  let queue: string[][] = [];
  let failure: unknown = null;
  let ended = false;
  parser.on('data', (r: string[]) => queue.push(r));
  parser.on('error', (e) => (failure ??= e));
  parser.on('end', () => (ended = true));
  let header: string[] | null = null;
  let n = 0;
  let line = 1;

  /** Moves the parsed records into `out`; the error to throw once `out` is handed on, if any. */
  function drain(out: CsvRow[]): Error | null {
    const items = queue;
    queue = [];
    for (const cells of items) {
      const at = line;
      for (const cell of cells) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) line++;
      line++;
      if (cells.length === 1 && cells[0] === '') continue; // a blank line
      if (header === null) {
        header = checkHeader(cells, at);
        hooks.onHeader?.(header);
        continue;
      }
      n++;
      if (cells.length !== header.length) {
        return badRequest(`record ${n} (line ${at}): has ${cells.length} cells, the header has ${header.length}`);
      }
      out.push({ n, line: at, cells });
    }
    if (failure !== null) {
      const what = header === null ? `the header (line ${line})` : `record ${n + 1} (line ${line})`;
      return badRequest(`${what}: ${csvMessage(failure)}`);
    }
    return null;
  }

  function* batch(): Generator<CsvRow[]> {
    const out: CsvRow[] = [];
    const error = drain(out);
    if (out.length > 0) yield out;
    if (error !== null) throw error;
  }

  try {
    for await (const bytes of utf8Chunks(body, hooks.onBytes, hooks.sliceBytes)) {
      parser.write(bytes);
      // Parsing is synchronous; errors are emitted on the next tick.
      await turn();
      yield* batch();
    }
    parser.end();
    while (!ended && failure === null) await turn();
    yield* batch();
  } finally {
    parser.destroy();
  }
}

/** The header's column names; a record of cells as an object (own properties, even "__proto__"). */
export function cellsToRecord(header: readonly string[], cells: readonly string[]): Record<string, JsonValue> {
  const obj: Record<string, JsonValue> = {};
  for (let i = 0; i < header.length; i++) {
    const name = header[i]!;
    const value = cells[i] ?? '';
    // Plain assignment would set the prototype for "__proto__"; define that one as a property.
    if (name === '__proto__')
      Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
    else obj[name] = value;
  }
  return obj;
}

/** Yields the records of a CSV byte stream as objects keyed by the header. */
export async function* parseCsv(body: AsyncIterable<Chunk>, hooks: CsvHooks = {}): AsyncGenerator<SnapshotRecord> {
  let header: string[] = [];
  const rows = parseCsvRows(body, {
    ...hooks,
    onHeader: (h) => {
      header = h;
      hooks.onHeader?.(h);
    },
  });
  for await (const r of rows) yield { n: r.n, line: r.line, record: cellsToRecord(header, r.cells) };
}

function checkHeader(cells: string[], line: number): string[] {
  const seen = new Set<string>();
  cells.forEach((name, i) => {
    if (name === '') throw badRequest(`the header (line ${line}): column ${i + 1} has no name`);
    if (seen.has(name)) throw badRequest(`the header (line ${line}): column ${JSON.stringify(name)} appears twice`);
    seen.add(name);
  });
  return cells;
}

/** csv-parse's message without its own line number (ours is exact). */
function csvMessage(e: unknown): string {
  if (e instanceof Error && (e as CsvError).code === 'CSV_MAX_RECORD_SIZE') {
    return `larger than the limit of ${LIMITS.snapshotRecordBytesMax} bytes for one record`;
  }
  const msg = e instanceof Error ? (e as CsvError).message : String(e);
  return msg.replace(/\s*(at|on) line \d+/g, '');
}
