/**
 * Turns a stream of snapshot chunks (bytes or text) into text slices of at most 64 Ki characters:
 * strict UTF-8 (utf8.ts: invalid bytes are a BAD_REQUEST naming the exact byte offset), a leading
 * byte-order mark dropped, surrogate pairs never split between slices. Counts bytes for progress.
 * Node only (through utf8.ts).
 */
import { badRequest } from '../model/errors';
import { utf8ByteLength } from '../model/utf8';
import type { Chunk } from './types';
import { Utf8Check } from './utf8';

export const SLICE_CHARS = 64 * 1024;

export async function* decodeUtf8(
  body: AsyncIterable<Chunk>,
  onBytes?: (total: number) => void,
): AsyncGenerator<string, void, undefined> {
  const check = new Utf8Check();
  // Only checked bytes reach the decoder, ending on character boundaries; it drops a leading BOM.
  const decoder = new TextDecoder('utf-8');
  let bytes = 0;
  let first = true;
  let carry = '';
  for await (const chunk of body as AsyncIterable<unknown>) {
    let text: string;
    if (typeof chunk === 'string') {
      text = first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
      bytes += utf8ByteLength(chunk);
    } else if (chunk instanceof Uint8Array) {
      const whole = check.push(chunk);
      text = decoder.decode(whole, { stream: true });
      bytes += chunk.byteLength;
    } else {
      throw badRequest('the snapshot stream must yield bytes or text');
    }
    onBytes?.(bytes);
    // A text chunk's BOM is dropped above.
    if (chunk.length > 0) first = false;
    yield* slices(carry + text, (rest) => (carry = rest));
  }
  check.end();
  const tail = carry + decoder.decode();
  if (tail.length > 0) yield* slices(tail, () => undefined, true);
}

/** Yields `text` in slices; a trailing high surrogate is kept back (unless `final`) for the next chunk. */
function* slices(text: string, keep: (rest: string) => void, final = false): Generator<string> {
  let end = text.length;
  if (!final && end > 0) {
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
  }
  keep(text.slice(end));
  for (let i = 0; i < end;) {
    let j = Math.min(end, i + SLICE_CHARS);
    const c = text.charCodeAt(j - 1);
    if (j < end && c >= 0xd800 && c <= 0xdbff) j--;
    yield text.slice(i, j);
    i = j;
  }
}
