/**
 * Reading events for `tidemark write`: NDJSON lines `{"key","data"[,"hash","contentType"]}` from a
 * stream, each parsed and validated on its own so a bad line is reported by its 1-based line number
 * (`line 17: malformed JSON (...)`, `line 17: key: must be ...`); each line is read by the model's
 * strict JSON reader (a duplicate member name, a number beyond ±2^53 or nesting deeper than the
 * limit is refused like over HTTP, `line 17: data.a: duplicate member name "x"`). Blank lines are skipped (they
 * still count for numbering); any other field is rejected so a typo cannot go unnoticed. The byte
 * count read so far is exposed for the progress bar.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { badRequest } from '../model/errors';
import { parseJsonText } from '../model/json-text';
import type { EventInput } from '../model/types';
import { validateEventInput } from '../model/validate';

const ALLOWED = new Set(['key', 'data', 'hash', 'contentType']);

/** Parses one NDJSON line into an event, or throws BAD_REQUEST naming the line. */
export function parseEventLine(line: string, lineNo: number): EventInput {
  // The line is one event: its members (data among them) get the full depth limit.
  const value = parseJsonText(line, { envelope: 1, at: `line ${lineNo}`, prefix: `line ${lineNo}: ` });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`line ${lineNo}: must be a JSON object with "key" and "data"`);
  }
  for (const field of Object.keys(value)) {
    if (!ALLOWED.has(field)) {
      throw badRequest(
        `line ${lineNo}: ${JSON.stringify(field)}: unknown field (allowed: key, data, hash, contentType)`,
      );
    }
  }
  try {
    // The path '@' is stripped below so messages read "key: must be ..." not "@.key: ...".
    return validateEventInput(value, '@');
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^@\.?/, '') : String(err);
    throw badRequest(`line ${lineNo}: ${message}`);
  }
}

export interface NumberedLine {
  lineNo: number;
  text: string;
}

/** Counts bytes flowing through a stream (for progress). */
export class ByteCounter {
  bytes = 0;
  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer | string) => {
      this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    });
  }
}

/** The non-blank lines of a stream with their 1-based line numbers; ends early on `signal`. */
export async function* numberedLines(stream: Readable, signal?: AbortSignal): AsyncGenerator<NumberedLine> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  // Closing the interface ends the iteration cleanly (destroying the stream would leave it pending).
  signal?.addEventListener('abort', () => rl.close(), { once: true });
  let lineNo = 0;
  for await (const text of rl) {
    lineNo++;
    if (text.trim() === '') continue;
    yield { lineNo, text };
  }
}
