/**
 * Reading events for `tidemark write`: NDJSON lines `{"key","data"[,"hash","contentType"]}` from a
 * stream, each parsed and validated on its own by the model's event parser (model/event-text.ts,
 * shared with the app's New transaction editor) so a bad line is reported by its 1-based line number
 * (`line 17: malformed JSON (...)`, `line 17: key: must be ...`); each line is read by the model's
 * strict JSON reader (a duplicate member name, a number beyond ±2^53 or nesting deeper than the
 * limit is refused like over HTTP, `line 17: data.a: duplicate member name "x"`). Blank lines are skipped (they
 * still count for numbering); any other field is rejected so a typo cannot go unnoticed. Lines are
 * split on bytes and decoded strictly (`line 17: is not valid UTF-8 (at byte 3)`, never U+FFFD),
 * and one line may hold at most `LIMITS.bodyBytesDefault` bytes (16 MiB, the server's default body
 * limit: one event can never need more), refused as soon as it grows past that. The byte count read
 * so far is exposed for the progress bar.
 */
import type { Readable } from 'node:stream';
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import { decodeUtf8 } from '../model/utf8';

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

/**
 * The chunks of a stream until it ends or `signal` aborts. An abort ends the iteration at once,
 * even while the stream is idle (a terminal's stdin): the pending read is left behind and the
 * stream paused, as readline's close() does, so nothing more is read.
 */
async function* chunksOf(stream: Readable, signal?: AbortSignal): AsyncGenerator<Buffer | string> {
  const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const aborted = new Promise<IteratorResult<Buffer | string>>((resolve) => {
    const stop = (): void => {
      stream.pause();
      resolve({ done: true, value: undefined });
    };
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
  for (;;) {
    const r = await Promise.race([it.next(), aborted]);
    if (r.done === true) return;
    yield r.value;
  }
}

/** The non-blank lines of a stream with their 1-based line numbers; ends early on `signal`. */
export async function* numberedLines(
  stream: Readable,
  signal?: AbortSignal,
  maxLineBytes: number = LIMITS.bodyBytesDefault,
): AsyncGenerator<NumberedLine> {
  let lineNo = 0;
  let parts: Buffer[] = [];
  let held = 0;
  const line = (bytes: Buffer): NumberedLine | null => {
    lineNo++;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    const text = decodeUtf8(bytes.subarray(0, end), `line ${lineNo}`);
    return text.trim() === '' ? null : { lineNo, text };
  };
  const tooLong = (): Error =>
    badRequest(`line ${lineNo + 1}: longer than ${maxLineBytes} bytes (one event never needs more)`);
  for await (const chunk of chunksOf(stream, signal)) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a)) {
      if (held + nl > maxLineBytes) throw tooLong();
      const bytes = parts.length === 0 ? buf.subarray(0, nl) : Buffer.concat([...parts, buf.subarray(0, nl)]);
      parts = [];
      held = 0;
      buf = buf.subarray(nl + 1);
      const next = line(bytes);
      if (next) yield next;
      if (signal?.aborted) return;
    }
    if (buf.length > 0) {
      held += buf.length;
      if (held > maxLineBytes) throw tooLong();
      parts.push(buf);
    }
  }
  if (held > 0) {
    const last = line(Buffer.concat(parts));
    if (last) yield last;
  }
}
