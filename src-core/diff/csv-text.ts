/**
 * The diff's shortcut for an equal CSV row (index.ts): rather than parse a surface row's stored
 * data (canonical JSON text) and compare it field by field with the row's cells (compare.ts
 * `differingCells`), build from the cells the canonical JSON text a store value equal to them
 * would most likely have, and compare the two texts. Equal texts mean equal rows: the text built
 * is an object holding exactly the compared columns, each a value whose CSV text (`cellText`) is
 * the cell (a string is the cell itself; a number only when the cell is that number's JSON text;
 * null and a missing field only for an empty cell; true and false only for those cells), so the
 * stored data, being that same text, compares equal cell by cell. Any other outcome proves
 * nothing (a store number held as a string, a field the snapshot lacks, another spelling of the
 * same number): the caller then parses and compares as before, and tells this class the kinds of
 * the store's values (`learn`), so the next rows are built with the kinds the store uses. Only for
 * comparisons without tolerance or normalisation (those are not text equalities). Pure.
 */
import { isCanonicalNumber, isCanonicalNumberText } from '../model/canonical-spans';
import { scanNumber } from '../model/json-number';
import type { JsonValue } from '../model/types';
import type { CsvColumn, Fields } from './compare';
import { ROW_SEP, spilledValue } from './spill-text';

const STRING = 0;
const NUMBER = 1;
const NULL = 2;
const ABSENT = 3;
const BOOLEAN = 4;

export class CsvStoredText {
  /** The compared columns in canonical member order (by code unit), each with its `"name":`. */
  private readonly cols: { index: number; name: string; prefix: string }[];
  /** Per column (in `cols` order), the kind of value the store was last seen to hold. */
  private readonly kinds: Uint8Array;
  /** `matches`' scratch: where each cell up to the last compared one starts and ends in a kept text. */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(columns: readonly CsvColumn[]) {
    this.cols = [...columns]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => ({ index: c.index, name: c.name, prefix: JSON.stringify(c.name) + ':' }));
    this.kinds = new Uint8Array(this.cols.length);
    const cells = Math.max(0, ...columns.map((c) => c.index + 1));
    this.starts = new Int32Array(cells);
    this.ends = new Int32Array(cells);
  }

  /** A shortcut for these columns, or null when their names are not distinct. */
  static of(columns: readonly CsvColumn[]): CsvStoredText | null {
    return new Set(columns.map((c) => c.name)).size === columns.length ? new CsvStoredText(columns) : null;
  }

  /** The canonical JSON text of the store value most likely equal to the cells. */
  text(cells: readonly string[]): string {
    let out = '{';
    for (let i = 0; i < this.cols.length; i++) {
      const c = this.cols[i]!;
      const cell = cells[c.index] ?? '';
      let v: string;
      switch (this.kinds[i]) {
        case NUMBER:
          v = isCanonicalNumberText(cell) ? cell : JSON.stringify(cell);
          break;
        case NULL:
          v = cell === '' ? 'null' : JSON.stringify(cell);
          break;
        case ABSENT:
          if (cell === '') continue;
          v = JSON.stringify(cell);
          break;
        case BOOLEAN:
          v = cell === 'true' || cell === 'false' ? cell : JSON.stringify(cell);
          break;
        default:
          v = JSON.stringify(cell);
      }
      out += out.length === 1 ? c.prefix + v : ',' + c.prefix + v;
    }
    return out + '}';
  }

  /**
   * `text(cells) === data` for a row kept as `spillText`'s text (its cells run together, or JSON),
   * without building the text or splitting the cells: the text `text` would build is compared with
   * `data` as it goes, and a cell JSON would escape (a quote, a backslash, a control character, a
   * surrogate) falls back to `text` itself.
   */
  matches(data: string, kept: string): boolean {
    if (kept.charCodeAt(0) !== 0x63 || kept.charCodeAt(1) !== 1)
      return this.text(spilledValue(kept) as string[]) === data;
    // The cells' bounds (a cell past the last is empty, as `text` reads it).
    const starts = this.starts;
    const ends = this.ends;
    const len = kept.length;
    for (let j = 0, s = 2; j < starts.length; j++) {
      if (s > len) {
        starts[j] = len;
        ends[j] = len;
        continue;
      }
      const sep = kept.indexOf(ROW_SEP, s);
      const e = sep < 0 ? len : sep;
      starts[j] = s;
      ends[j] = e;
      s = e + 1;
    }
    if (data.charCodeAt(0) !== 0x7b) return false;
    let p = 1;
    for (let i = 0; i < this.cols.length; i++) {
      const c = this.cols[i]!;
      const s = starts[c.index]!;
      const e = ends[c.index]!;
      const kind = this.kinds[i];
      // What `text` writes for the cell: the cell as is, `null`, or the cell as a JSON string.
      let verbatim = false;
      let nil = false;
      switch (kind) {
        case NUMBER: {
          const end = scanNumber(kept, s, e);
          verbatim = end !== 0 && Math.abs(end) === e && isCanonicalNumber(kept, s, e);
          break;
        }
        case NULL:
          nil = s === e;
          break;
        case ABSENT:
          if (s === e) continue;
          break;
        case BOOLEAN:
          verbatim = (e - s === 4 && kept.startsWith('true', s)) || (e - s === 5 && kept.startsWith('false', s));
          break;
      }
      if (p > 1) {
        if (data.charCodeAt(p) !== 0x2c) return false;
        p++;
      }
      if (!data.startsWith(c.prefix, p)) return false;
      p += c.prefix.length;
      if (nil) {
        if (!data.startsWith('null', p)) return false;
        p += 4;
      } else if (verbatim) {
        for (let k = s; k < e; k++) if (data.charCodeAt(p++) !== kept.charCodeAt(k)) return false;
      } else {
        if (data.charCodeAt(p++) !== 0x22) return false;
        for (let k = s; k < e; k++) {
          const ch = kept.charCodeAt(k);
          if (ch < 0x20 || ch === 0x22 || ch === 0x5c || (ch >= 0xd800 && ch <= 0xdfff))
            return this.text(spilledValue(kept) as string[]) === data;
          if (data.charCodeAt(p++) !== ch) return false;
        }
        if (data.charCodeAt(p++) !== 0x22) return false;
      }
    }
    return p === data.length - 1 && data.charCodeAt(p) === 0x7d;
  }

  /** Notes the kinds of the store's values of the compared fields (a row that was parsed). */
  learn(store: Fields): void {
    for (let i = 0; i < this.cols.length; i++) {
      const name = this.cols[i]!.name;
      this.kinds[i] = Object.hasOwn(store, name) ? kindOf(store[name]!) : ABSENT;
    }
  }
}

function kindOf(v: JsonValue): number {
  if (v === null) return NULL;
  if (typeof v === 'number') return NUMBER;
  if (typeof v === 'boolean') return BOOLEAN;
  return STRING;
}
