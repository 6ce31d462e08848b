/**
 * Turns a stream of snapshot chunks (bytes or text) into text slices of at most 64 Ki characters:
 * strict UTF-8 (invalid bytes are a BAD_REQUEST naming the byte offset), a leading byte-order mark
 * dropped, surrogate pairs never split between slices. Counts bytes for progress. Pure (uses the
 * standard TextDecoder only).
 */
import { badRequest } from '../model/errors';
import type { Chunk } from './types';

export const SLICE_CHARS = 64 * 1024;

export async function* decodeUtf8(
  body: AsyncIterable<Chunk>,
  onBytes?: (total: number) => void,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let first = true;
  let carry = '';
  const decode = (chunk: Uint8Array | undefined): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch {
      throw badRequest(`the snapshot is not valid UTF-8 (near byte ${bytes})`);
    }
  };
  for await (const chunk of body as AsyncIterable<unknown>) {
    let text: string;
    if (typeof chunk === 'string') {
      text = first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
      bytes += byteLength(chunk);
    } else if (chunk instanceof Uint8Array) {
      text = decode(chunk);
      bytes += chunk.byteLength;
    } else {
      throw badRequest('the snapshot stream must yield bytes or text');
    }
    onBytes?.(bytes);
    // The decoder drops a BOM from bytes itself; a text chunk's BOM is dropped above.
    if (chunk.length > 0) first = false;
    yield* slices(carry + text, (rest) => (carry = rest));
  }
  const tail = carry + decode(undefined);
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

function byteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // 2 bytes below U+0800, 3 above, and 4 for a surrogate pair (2 per surrogate).
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return n;
}
