/**
 * Strict UTF-8 for snapshot byte streams. `Utf8Check` takes chunks and hands back the part that
 * ends on a character boundary, checked with Node's native `isUtf8` (a multi-byte character split
 * between chunks is carried over to the next one); invalid bytes are a BAD_REQUEST naming the exact
 * byte offset in the stream (model/utf8.ts finds it). `utf8Chunks` passes a stream through it as
 * Buffers (the CSV parser reads bytes); decode.ts uses it before decoding text for JSON and NDJSON.
 * Text chunks are encoded. Counts bytes for progress. Node only.
 */
import { isUtf8 } from 'node:buffer';
import { badRequest } from '../model/errors';
import { invalidUtf8At } from '../model/utf8';
import type { Chunk } from './types';

const SLICE = 64 * 1024;

export class Utf8Check {
  /** Bytes taken so far. */
  bytes = 0;
  private carry: Buffer | null = null;

  /** The checked bytes of `chunk` (and any carried over) up to the last complete character. */
  push(chunk: Uint8Array): Buffer {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const start = this.bytes - (this.carry?.length ?? 0);
    this.bytes += buf.length;
    if (this.carry !== null) buf = Buffer.concat([this.carry, buf]);
    const cut = completeLength(buf);
    this.carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
    const whole = buf.subarray(0, cut);
    if (whole.length > 0 && !isUtf8(whole)) throw notUtf8(start + invalidUtf8At(whole));
    return whole;
  }

  /** Ends the stream: a character left incomplete is invalid. */
  end(): void {
    if (this.carry !== null) throw notUtf8(this.bytes - this.carry.length);
  }
}

function notUtf8(at: number): Error {
  return badRequest(`the snapshot is not valid UTF-8 (at byte ${at})`);
}

export async function* utf8Chunks(
  body: AsyncIterable<Chunk>,
  onBytes?: (total: number) => void,
  slice: number = SLICE,
): AsyncGenerator<Buffer, void, undefined> {
  const check = new Utf8Check();
  for await (const chunk of body as AsyncIterable<unknown>) {
    let bytes: Uint8Array;
    if (typeof chunk === 'string') bytes = Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) bytes = chunk;
    else throw badRequest('the snapshot stream must yield bytes or text');
    const whole = check.push(bytes);
    onBytes?.(check.bytes);
    // Big chunks (a whole file as one buffer) are handed on in slices, so the parser's synchronous
    // work per slice stays short and the event loop keeps turning. A slice may end mid-character:
    // csv-parse keeps the bytes it has not used.
    for (let i = 0; i < whole.length; i += slice) yield whole.subarray(i, Math.min(whole.length, i + slice));
  }
  check.end();
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
