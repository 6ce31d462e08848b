/**
 * How much of a server's answer a client takes in: the one home of the bound every client reader
 * keeps (the Node client, `tidemark --url`, the browser and desktop app). A hostile or broken
 * server can answer with a body that never ends, a line that never ends, or an error page of any
 * size; a client that buffers it whole runs out of memory. Here a whole answer, one NDJSON line
 * and an error body are read with a count of their bytes, and refused as soon as the count passes
 * the bound (`LIMITS.answerBytesMax`, `LIMITS.errorAnswerBytesMax`): the rest is never read, the
 * connection is let go, and the caller gets an INTERNAL error naming the request and the bound
 * (an error body past its bound is not read: the status says what failed, envelope.ts). The live
 * stream's events are bounded the same way in sse-parse.ts. Pure: fetch's `Response` and
 * web streams only, so the same code runs in Node and in the browser.
 */
import { TidemarkError } from '../model/errors';
import { LIMITS } from '../model/limits';

/** What passed its bound, for the message. */
export type AnswerPart = 'answer' | 'line' | 'event';

/** What the bound counts: bytes as they arrive, or (the live stream's parser) characters it holds. */
export type AnswerUnit = 'bytes' | 'characters';

const PART_NAMES: Record<AnswerPart, string> = {
  answer: "the server's answer",
  line: "a line of the server's answer",
  event: "an event of the server's live stream",
};

/** INTERNAL: the server's answer (or one line or live event of it) passed `max` bytes. */
export function answerTooLarge(
  what: string,
  max: number,
  part: AnswerPart = 'answer',
  unit: AnswerUnit = 'bytes',
): TidemarkError {
  return new TidemarkError(
    'INTERNAL',
    `${what} failed: ${PART_NAMES[part]} passed ${max.toLocaleString('en-US')} ${unit}, the most a client reads; it was not read further`,
  );
}

/**
 * A body that stopped arriving part way: the connection dropped (UNAVAILABLE, naming the server
 * `base` and the cause), or its bytes were not UTF-8 (INTERNAL).
 */
export function cutOff(base: string, err: unknown): TidemarkError {
  if (err instanceof TypeError && /decode|encoding/i.test(err.message)) {
    return new TidemarkError('INTERNAL', `the server at ${base} sent text that is not UTF-8`, { cause: err });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new TidemarkError('UNAVAILABLE', `the answer from ${base} was cut off (${detail})`, { cause: err });
}

/** `Content-Length` as a number, or null when absent or not one. */
function declaredLength(res: Response): number | null {
  const v = res.headers.get('content-length');
  if (v === null || !/^\d{1,16}$/.test(v)) return null;
  return Number(v);
}

const release = (reader: ReadableStreamDefaultReader<Uint8Array>): void => {
  reader.cancel().catch(() => undefined);
};

/**
 * The text of `res`'s body, decoded as `res.text()` does (UTF-8, a bad byte becomes U+FFFD), or
 * `answerTooLarge` once the body (or its `Content-Length`, before anything is read) passes `max`
 * bytes. A failure of the connection is thrown as it comes (the caller names it).
 */
export async function readAnswerText(
  res: Response,
  what: string,
  max: number = LIMITS.answerBytesMax,
): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const declared = declaredLength(res);
  if (declared !== null && declared > max) {
    release(reader);
    throw answerTooLarge(what, max);
  }
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      bytes += r.value.byteLength;
      if (bytes > max) throw answerTooLarge(what, max);
      parts.push(decoder.decode(r.value, { stream: true }));
    }
    parts.push(decoder.decode());
    done = true;
  } finally {
    if (!done) release(reader);
  }
  return parts.join('');
}

/** The bytes of the line still open after `chunk`, given `open` before it; a line past `max` is refused. */
function openAfter(chunk: Uint8Array, open: number, max: number, what: string): number {
  let from = 0;
  for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
    if (open + (nl - from) > max) throw answerTooLarge(what, max, 'line');
    open = 0;
    from = nl + 1;
  }
  open += chunk.length - from;
  if (open > max) throw answerTooLarge(what, max, 'line');
  return open;
}

/**
 * The lines of an NDJSON answer (without their newline), read as the caller asks for them; each
 * at most `max` bytes, refused (`answerTooLarge`) as soon as one passes it. Bytes that are not
 * UTF-8 are INTERNAL. A failure of the connection is thrown as it comes (the caller names it);
 * the body is let go when the caller stops.
 */
export async function* answerLines(
  body: ReadableStream<Uint8Array>,
  what: string,
  max: number = LIMITS.answerBytesMax,
): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch (err) {
      throw new TidemarkError('INTERNAL', `${what} failed: the server sent text that is not UTF-8`, { cause: err });
    }
  };
  // The open line's pieces, joined once its newline comes (a long line costs its length, once).
  let pending: string[] = [];
  let open = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        pending.push(decode());
        const last = pending.join('');
        if (last !== '') yield last;
        return;
      }
      open = openAfter(r.value, open, max, what);
      const text = decode(r.value);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        pending.push(text.slice(start, nl));
        const line = pending.join('');
        pending = [];
        start = nl + 1;
        yield line;
      }
      if (start < text.length) pending.push(text.slice(start));
    }
  } finally {
    release(reader);
  }
}
