/**
 * An incremental NDJSON splitter: text goes in piece by piece, one record per non-blank line
 * comes out (lines end with LF or CRLF; blank and whitespace-only lines are skipped). Each line
 * must be a JSON object; otherwise a BAD_REQUEST names the record number and line. Pure (no Node
 * APIs): `sniffColumns` uses it on a sample in the browser.
 */
import { badRequest } from '../model/errors';
import type { JsonValue } from '../model/types';
import type { SnapshotRecord } from './types';

export class NdjsonSplitter {
  private carry = '';
  private line = 0;
  private n = 0;

  /** Feeds text; complete lines' records are appended to `out` and returned. */
  push(text: string, out: SnapshotRecord[] = []): SnapshotRecord[] {
    let from = 0;
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.carry += text;
      return out;
    }
    let first = this.carry + text.slice(0, nl);
    this.carry = '';
    for (;;) {
      this.take(first, out);
      from = nl + 1;
      nl = text.indexOf('\n', from);
      if (nl < 0) break;
      first = text.slice(from, nl);
    }
    this.carry = text.slice(from);
    return out;
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
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw badRequest(
        `record ${n} (line ${this.line}): is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      throw badRequest(`record ${n} (line ${this.line}): must be an object, got ${what}`);
    }
    out.push({ n, line: this.line, record: value as Record<string, JsonValue> });
  }
}
