/**
 * An incremental NDJSON splitter: text goes in piece by piece, one record per non-blank line
 * comes out (lines end with LF or CRLF; blank and whitespace-only lines are skipped). Each line
 * must be a JSON object, read by the model's strict JSON reader (`parseJsonText`: nesting deeper
 * than `LIMITS.jsonDepthMax` below the record, duplicate member names and numbers beyond ±2^53 are
 * refused); otherwise a BAD_REQUEST names the record number and line. A line longer than
 * `LIMITS.snapshotRecordBytesMax` is refused as soon as it grows past it, newline or not
 * (record-size.ts). Pure (no Node APIs): `sniffColumns` uses it on a sample in the browser.
 */
import { badRequest } from '../model/errors';
import { parseJsonText } from '../model/json-text';
import type { JsonValue } from '../model/types';
import { RecordSize, recordTooLarge } from './record-size';
import type { SnapshotRecord } from './types';

export class NdjsonSplitter {
  private carry = '';
  private line = 0;
  private n = 0;
  private readonly size: RecordSize;

  constructor(recordBytesMax?: number) {
    this.size = new RecordSize(recordBytesMax);
  }

  /** Feeds text; complete lines' records are appended to `out` and returned. */
  push(text: string, out: SnapshotRecord[] = []): SnapshotRecord[] {
    let from = 0;
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.grow(text);
      this.carry += text;
      return out;
    }
    const head = text.slice(0, nl);
    // Only a line that spans pieces can grow large (a piece is a bounded slice).
    if (this.carry !== '') this.grow(head);
    let first = this.carry + head;
    this.carry = '';
    this.size.reset();
    for (;;) {
      this.take(first, out);
      from = nl + 1;
      nl = text.indexOf('\n', from);
      if (nl < 0) break;
      first = text.slice(from, nl);
    }
    this.carry = text.slice(from);
    this.grow(this.carry, false);
    return out;
  }

  /** Counts `piece` toward the current line, refusing the line once it is over the size limit. */
  private grow(piece: string, afterCarry = true): void {
    if (this.size.add(piece, () => (afterCarry ? [this.carry] : []))) {
      this.carry = '';
      throw recordTooLarge(`record ${this.n + 1} (line ${this.line + 1})`, this.size.limit);
    }
  }

  end(): SnapshotRecord[] {
    const out: SnapshotRecord[] = [];
    if (this.carry !== '') this.take(this.carry, out);
    this.carry = '';
    return out;
  }

  private take(raw: string, out: SnapshotRecord[]): void {
    this.line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    const n = ++this.n;
    const where = `record ${n} (line ${this.line})`;
    // The record object is the envelope: its fields get the full depth limit.
    const value = parseJsonText(text, { envelope: 1, at: where, prefix: `${where}: ` });
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      throw badRequest(`record ${n} (line ${this.line}): must be an object, got ${what}`);
    }
    out.push({ n, line: this.line, record: value as Record<string, JsonValue> });
  }
}
