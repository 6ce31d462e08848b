/**
 * The maximum size of one snapshot record (`LIMITS.snapshotRecordBytesMax`, in UTF-8 bytes) for
 * the parsers that see decoded text (JSON array, NDJSON): a record is measured piece by piece as
 * it accumulates, so one that never ends (no closing bracket, no newline) is refused as soon as it
 * passes the limit instead of being buffered whole. Characters are counted first (a UTF-8 text has
 * at least as many bytes as UTF-16 units and at most three times as many); bytes are counted only
 * once a record could be over the limit, so ordinary records cost one addition per piece. Pure.
 */
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import { utf8ByteLength } from '../model/utf8';

export class RecordSize {
  private chars = 0;
  private bytes = 0;
  /** Bytes are being counted (the record may be over the limit). */
  private counting = false;

  constructor(readonly limit: number = LIMITS.snapshotRecordBytesMax) {}

  reset(): void {
    this.chars = 0;
    this.bytes = 0;
    this.counting = false;
  }

  /**
   * Adds the next piece of the current record; `earlier` gives the pieces added before it (read
   * only once, when counting bytes starts). True when the record is now over the limit.
   */
  add(piece: string, earlier: () => Iterable<string>): boolean {
    this.chars += piece.length;
    if (this.chars > this.limit) return true;
    if (!this.counting) {
      if (this.chars * 3 <= this.limit) return false;
      this.counting = true;
      for (const p of earlier()) this.bytes += utf8ByteLength(p);
    }
    this.bytes += utf8ByteLength(piece);
    return this.bytes > this.limit;
  }
}

/** The BAD_REQUEST for a record over the limit; `where` names it (`record 3 (line 5)`). */
export function recordTooLarge(where: string, limit: number = LIMITS.snapshotRecordBytesMax): Error {
  return badRequest(`${where}: larger than the limit of ${limit} bytes for one record`);
}
