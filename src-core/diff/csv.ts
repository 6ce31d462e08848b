/**
 * Streaming CSV snapshot parser over csv-parse: a header row is required (its names must be
 * non-empty and distinct), RFC 4180 quoting (quoted commas, quotes, CR/LF), LF or CRLF line ends,
 * blank lines skipped, every cell a string. Records carry their 1-based number and the line they
 * start on, counted from the newlines actually in the cells (csv-parse's own count is off after
 * a quoted CRLF). Errors are BAD_REQUEST naming the record and line.
 */
import { type CsvError, type Info, parse } from 'csv-parse';
import { badRequest } from '../model/errors';
import type { JsonValue } from '../model/types';
import type { SnapshotRecord } from './types';

interface InfoRecord {
  record: string[];
  info: Info;
}

/** Yields the records of CSV text; `onHeader` gets the header before the first record. */
export async function* parseCsv(
  text: AsyncIterable<string>,
  onHeader?: (columns: string[]) => void,
): AsyncGenerator<SnapshotRecord, void, undefined> {
  const parser = parse({
    info: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n'],
  });
  // Records are collected from 'data' events, which arrive before the 'error' of a later record,
  // so every good record is handed on before the error, and the error knows where it happened.
  let queue: InfoRecord[] = [];
  let failure: unknown = null;
  let ended = false;
  parser.on('data', (r: InfoRecord) => queue.push(r));
  parser.on('error', (e) => (failure ??= e));
  parser.on('end', () => (ended = true));
  let header: string[] | null = null;
  let n = 0;
  let nextLine = 1;
  let emptyLines = 0;

  function* drain(): Generator<SnapshotRecord> {
    const items = queue;
    queue = [];
    for (const { record, info } of items) {
      // Lines skipped as blank since the previous record come before this one.
      const line = nextLine + (info.empty_lines - emptyLines);
      emptyLines = info.empty_lines;
      let span = 0;
      for (const cell of record) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) span++;
      nextLine = line + span + 1;
      if (header === null) {
        header = checkHeader(record, line);
        onHeader?.(header);
        continue;
      }
      n++;
      const obj: Record<string, JsonValue> = {};
      for (let i = 0; i < header.length; i++) {
        Object.defineProperty(obj, header[i]!, {
          value: record[i]!,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      yield { n, line, record: obj };
    }
    if (failure !== null) {
      const what = header === null ? `the header (line ${nextLine})` : `record ${n + 1} (line ${nextLine})`;
      throw badRequest(`${what}: ${csvMessage(failure)}`);
    }
  }

  try {
    for await (const piece of text) {
      parser.write(piece);
      // Parsing is synchronous; errors are emitted on the next tick.
      await new Promise<void>((resolve) => setImmediate(resolve));
      yield* drain();
    }
    parser.end();
    while (!ended && failure === null) await new Promise<void>((resolve) => setImmediate(resolve));
    yield* drain();
  } finally {
    parser.destroy();
  }
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

/** csv-parse's message without its own (sometimes off) line number. */
function csvMessage(e: unknown): string {
  const msg = e instanceof Error ? (e as CsvError).message : String(e);
  return msg
    .replace(/\s*(at|on) line \d+/g, '')
    .replace(/^Invalid Record Length: expect/, 'wrong number of cells: expected');
}
