/**
 * Strict UTF-8 for byte streams that are parsed as bytes (CSV): passes chunks through as Buffers,
 * checking each with Node's native `isUtf8`. A multi-byte character split between chunks is
 * carried over to the next one; invalid bytes are a BAD_REQUEST naming the byte offset. Text
 * chunks are encoded. Counts bytes for progress. Node only (the pure path is decode.ts).
 */
import { isUtf8 } from 'node:buffer';
import { badRequest } from '../model/errors';
import type { Chunk } from './types';

const SLICE = 64 * 1024;

export async function* utf8Chunks(
  body: AsyncIterable<Chunk>,
  onBytes?: (total: number) => void,
): AsyncGenerator<Buffer, void, undefined> {
  let bytes = 0;
  let carry: Buffer | null = null;
  for await (const chunk of body as AsyncIterable<unknown>) {
    let buf: Buffer;
    if (typeof chunk === 'string') buf = Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw badRequest('the snapshot stream must yield bytes or text');
    const start = bytes - (carry?.length ?? 0);
    bytes += buf.length;
    onBytes?.(bytes);
    if (carry !== null) buf = Buffer.concat([carry, buf]);
    const cut = completeLength(buf);
    carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
    const whole = buf.subarray(0, cut);
    if (whole.length === 0) continue;
    if (!isUtf8(whole)) throw badRequest(`the snapshot is not valid UTF-8 (near byte ${start + firstBad(whole)})`);
    // Big chunks (a whole file as one buffer) are handed on in slices, so the parser's synchronous
    // work per slice stays short and the event loop keeps turning. A slice may end mid-character:
    // csv-parse keeps the bytes it has not used.
    for (let i = 0; i < whole.length; i += SLICE) yield whole.subarray(i, Math.min(whole.length, i + SLICE));
  }
  if (carry !== null)
    throw badRequest(`the snapshot is not valid UTF-8 (it ends inside a character at byte ${bytes - carry.length})`);
}

/** Length of the prefix of `b` that does not end inside a multi-byte sequence. */
function completeLength(b: Buffer): number {
  const n = b.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const c = b[n - back]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Offset of the first invalid byte (for the message; only called on invalid input). */
function firstBad(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const need = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (need === 0 || (need > 1 && !isUtf8(b.subarray(i, i + need)))) return i;
    i += need;
  }
  return i;
}
