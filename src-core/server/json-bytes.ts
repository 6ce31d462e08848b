/**
 * A response body of JSON built piece by piece straight into bytes (a `JsonSink` of
 * model/stored-json.ts): each piece is encoded as UTF-8 when it is added, into a buffer that
 * doubles when full. A page of a thousand events sent as one string built from thousands of
 * pieces cost the server two more passes over it (flattening the string to count its bytes for
 * Content-Length, then encoding it on the socket); sent as these bytes, neither happens
 * (docs/bench.md, "Reads"). The bytes are those of the string the same pieces make, as long as no
 * piece ends inside a surrogate pair (the page writers add whole events and rows).
 */
import type { JsonSink } from '../model/stored-json';

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

export class JsonBytes implements JsonSink {
  private buf: Buffer;
  private length = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  add(text: string): void {
    const need = this.length + text.length * MAX_BYTES_PER_UNIT;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    this.length += this.buf.write(text, this.length, 'utf8');
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
