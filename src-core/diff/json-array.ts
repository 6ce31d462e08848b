/**
 * An incremental scanner for a JSON array of objects: text goes in piece by piece, complete
 * records come out, so a large file is never held as one string. It only finds where each
 * top-level element starts and ends (tracking strings, escapes and nesting depth) and hands each
 * element's text to the model's strict JSON reader (`parseJsonText`: nesting deeper than
 * `LIMITS.jsonDepthMax` below the record, duplicate member names and numbers beyond ±2^53 are
 * refused). A record larger than `LIMITS.snapshotRecordBytesMax` is refused as soon as it grows
 * past it (record-size.ts). Errors are BAD_REQUEST naming the record number and line: a top
 * level that is not an array, a non-object element, an unparseable element, a missing comma,
 * content after the closing `]`, a truncated file. Whitespace-only input is an empty snapshot.
 * Pure (no Node APIs): `sniffColumns` uses it on a sample in the browser.
 */
import { badRequest } from '../model/errors';
import { parseJsonText } from '../model/json-text';
import type { JsonValue } from '../model/types';
import { RecordSize, recordTooLarge } from './record-size';
import type { SnapshotRecord } from './types';

const enum State {
  BeforeArray,
  BeforeElement,
  InElement,
  AfterElement,
  Done,
}

export class JsonArrayScanner {
  private state = State.BeforeArray;
  private line = 1;
  private n = 0;
  /** After `[` or `,`: whether an element must follow (false right after `[`). */
  private needElement = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private parts: string[] = [];
  private startLine = 1;
  private sawBracket = false;
  private readonly size: RecordSize;

  constructor(recordBytesMax?: number) {
    this.size = new RecordSize(recordBytesMax);
  }

  /**
   * Feeds the next piece of text; returns the records it completed, appended to `out` (so a
   * caller that catches an error still has the records completed before it).
   */
  push(text: string, out: SnapshotRecord[] = []): SnapshotRecord[] {
    let start = this.state === State.InElement ? 0 : -1;
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (this.state === State.InElement) {
        if (this.inString) {
          if (this.escape) this.escape = false;
          else if (c === 0x5c) this.escape = true;
          else if (c === 0x22) this.inString = false;
          continue;
        }
        if (c === 0x22) this.inString = true;
        else if (c === 0x7b || c === 0x5b) this.depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (--this.depth === 0) {
            this.addPart(text.slice(start, i + 1));
            out.push(this.finishElement());
            this.state = State.AfterElement;
          }
        } else if (c === 0x0a) this.line++;
        continue;
      }
      if (c === 0x0a) {
        this.line++;
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
      switch (this.state) {
        case State.BeforeArray:
          if (c === 0xfeff && !this.sawBracket && i === 0 && this.line === 1) continue;
          if (c !== 0x5b) throw badRequest(`line ${this.line}: the JSON top level must be an array of objects`);
          this.sawBracket = true;
          this.state = State.BeforeElement;
          this.needElement = false;
          break;
        case State.BeforeElement:
          if (c === 0x5d) {
            if (this.needElement) throw this.err(this.n + 1, 'expected a record after ","');
            this.state = State.Done;
            break;
          }
          if (c !== 0x7b) throw this.err(this.n + 1, `must be an object, got ${describe(c)}`);
          this.state = State.InElement;
          this.startLine = this.line;
          this.depth = 1;
          this.inString = false;
          this.escape = false;
          this.parts = [];
          this.size.reset();
          start = i;
          break;
        case State.AfterElement:
          if (c === 0x2c) {
            this.state = State.BeforeElement;
            this.needElement = true;
          } else if (c === 0x5d) this.state = State.Done;
          else throw this.err(this.n + 1, `expected "," or "]" after record ${this.n}`, this.line);
          break;
        case State.Done:
          throw badRequest(`line ${this.line}: unexpected content after the closing "]" of the JSON array`);
      }
    }
    if (this.state === State.InElement && start >= 0) this.addPart(text.slice(start));
    return out;
  }

  /** Keeps a piece of the current record, refusing the record once it is over the size limit. */
  private addPart(piece: string): void {
    if (this.size.add(piece, () => this.parts)) {
      this.parts = [];
      throw recordTooLarge(`record ${this.n + 1} (line ${this.startLine})`, this.size.limit);
    }
    this.parts.push(piece);
  }

  /** Ends the input; throws if the array is incomplete. */
  end(): void {
    if (this.state === State.BeforeArray || this.state === State.Done) return;
    if (this.state === State.InElement) throw this.err(this.n + 1, 'the file ends inside this record', this.startLine);
    throw badRequest(`line ${this.line}: the file ends before the closing "]" of the JSON array`);
  }

  private finishElement(): SnapshotRecord {
    const n = ++this.n;
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    const where = `record ${n} (line ${this.startLine})`;
    // The record object is the envelope: its fields get the full depth limit.
    const value = parseJsonText(text, { envelope: 1, at: where, prefix: `${where}: ` });
    // The scanner only starts elements at "{", so a parsed element is an object.
    return { n, line: this.startLine, record: value as Record<string, JsonValue> };
  }

  private err(n: number, message: string, line = this.line): Error {
    return badRequest(`record ${n} (line ${line}): ${message}`);
  }
}

function describe(c: number): string {
  if (c === 0x5b) return 'an array';
  if (c === 0x22) return 'a string';
  if (c === 0x74 || c === 0x66) return 'a boolean';
  if (c === 0x6e) return 'null';
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return 'a number';
  return `the character ${JSON.stringify(String.fromCharCode(c))}`;
}
