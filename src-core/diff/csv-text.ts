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
import { isCanonicalNumberText } from '../model/canonical-spans';
import type { JsonValue } from '../model/types';
import type { CsvColumn, Fields } from './compare';

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

  constructor(columns: readonly CsvColumn[]) {
    this.cols = [...columns]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => ({ index: c.index, name: c.name, prefix: JSON.stringify(c.name) + ':' }));
    this.kinds = new Uint8Array(this.cols.length);
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
