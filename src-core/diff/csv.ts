/**
 * Streaming CSV snapshot parser over csv-parse: a header row is required (its names must be
 * non-empty and distinct), RFC 4180 quoting (quoted commas, quotes, CR/LF), LF or CRLF line ends,
 * blank lines skipped, every cell a string. Records carry their 1-based number and the line they
 * start on, counted from the newlines actually in the cells (csv-parse's own count is off after
 * a quoted CRLF). Errors are BAD_REQUEST naming the record and line.
 */
import { Readable } from 'node:stream';
import { type CsvError, type Info, parse } from 'csv-parse';
import { badRequest, hasErrorCode } from '../model/errors';
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
  const source = Readable.from(text, { objectMode: true });
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  let header: string[] | null = null;
  let n = 0;
  let nextLine = 1;
  let emptyLines = 0;
  try {
    for await (const item of parser as AsyncIterable<InfoRecord>) {
      const { record, info } = item;
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
  } catch (e) {
    if (hasErrorCode(e)) throw e;
    const what = header === null ? `the header (line ${nextLine})` : `record ${n + 1} (line ${nextLine})`;
    throw badRequest(`${what}: ${csvMessage(e)}`);
  } finally {
    source.destroy();
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
