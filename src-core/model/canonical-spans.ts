/**
 * Canonical data found in a JSON text as it is read: the strict reader (json-text.ts, option
 * `capture`) records where each value at one path of the text (a batch body's
 * `txns[*].events[*].data`) is written exactly as canonical JSON (canonical.ts: keys in UTF-16
 * order, no whitespace, numbers and strings as `JSON.stringify` writes them), so a writer that
 * sent canonical data (the HTTP client does) is not canonicalised again: the text between those
 * offsets is the canonical text, and the server hashes and stores it as it is. The recogniser is
 * conservative: a value with any string escape or member name escape, any whitespace, a number
 * not in `JSON.stringify`'s form, or nesting too deep is simply not recorded, and is canonicalised
 * from its parsed value as before; so is a value with a raw control character in a string (never
 * canonical: JSON.stringify escapes them; the grammar refuses them, which `JSON.parse` checks).
 * Assumes a text without lone surrogates (a strictly decoded UTF-8 body). Pure.
 *
 * With `elide`, the reader also leaves the recorded values out of the value it builds: `JSON.parse`
 * reads the text with each recorded span replaced by `0` (`elided`), so it allocates nothing for
 * data the caller takes as text anyway (a batch of small events: more than half of the body). The
 * caller then holds a placeholder at each recorded place and reads the value there as its text
 * (`at`), or puts the parsed values back (`restore`) where it needs them. Every rule of the strict
 * reader still applies to the whole text (its scan sees every character; the spans it records
 * have no escapes and no control characters, the only grammar left to `JSON.parse`), so the
 * elided text parses exactly when the text does.
 */
import { scanNumber } from './json-number';

/** The reader's kind of an open array level (json-text.ts `ARR`). */
const ARRAY = 2;

/** What the reader collects: the path to capture and, per captured value, its two indexes and offsets. */
export class CanonicalSpans {
  /** Member names and array levels (null) from the root to the values captured. */
  readonly path: readonly (string | null)[];
  /** The recorded values are left out of the parsed value (a placeholder `0` in their place). */
  readonly elides: boolean;
  count = 0;
  private text = '';
  private first: Int32Array = new Int32Array(256);
  private second: Int32Array = new Int32Array(256);
  private start: Int32Array = new Int32Array(256);
  private end: Int32Array = new Int32Array(256);
  private cursor = 0;
  /** The first raw control character (U+0000..U+001F) at or after the last span checked (or the end). */
  private control = -1;
  /** The levels (1-based) of the path's first two array steps (0: none; the reader's index 0 is 0). */
  readonly arrays: readonly [number, number];

  constructor(path: readonly (string | null)[], opts: { elide?: boolean } = {}) {
    this.path = path;
    this.elides = opts.elide === true;
    const arrays: [number, number] = [0, 0];
    for (let l = 0, k = 0; l < path.length && k < 2; l++) if (path[l] === null) arrays[k++] = l + 1;
    this.arrays = arrays;
  }

  /**
   * Called by the reader at a value inside open level `d` (one less than the path's length):
   * whether levels 1..`d` are the path, from the reader's stack (`kinds`: 2 for an array, else an
   * object whose current member name is `text[keyStart..keyEnd)`, raw). From the innermost level
   * out: most values at that depth differ in their own member name.
   */
  isAt(text: string, d: number, kinds: Uint8Array, keyStart: Int32Array, keyEnd: Int32Array): boolean {
    for (let l = d; l >= 1; l--) {
      const seg = this.path[l - 1];
      if (seg === null || seg === undefined) {
        if (kinds[l] !== ARRAY) return false;
        continue;
      }
      if (kinds[l] === ARRAY) return false;
      const s = keyStart[l]!;
      if (keyEnd[l]! - s !== seg.length) return false;
      for (let k = 0; k < seg.length; k++) if (text.charCodeAt(s + k) !== seg.charCodeAt(k)) return false;
    }
    return true;
  }

  /** Called by the reader at the start of a text. */
  begin(text: string): void {
    this.text = text;
    this.count = 0;
    this.cursor = 0;
    this.control = -1;
  }

  /**
   * Called by the reader: the value with array indexes `a`, `b` is canonical at `s`..`e` as far as
   * the reader's scan sees (it skips the inside of strings); recorded unless a raw control
   * character is in it. Spans come in increasing order.
   */
  add(a: number, b: number, s: number, e: number): void {
    if (this.control < s) {
      CONTROL.lastIndex = s;
      this.control = CONTROL.test(this.text) ? CONTROL.lastIndex - 1 : this.text.length;
    }
    if (this.control < e) return;
    const k = this.count;
    if (k === this.first.length) this.grow();
    this.first[k] = a;
    this.second[k] = b;
    this.start[k] = s;
    this.end[k] = e;
    this.count = k + 1;
  }

  /** The canonical text of the value at indexes `a`, `b`, or undefined when none was recorded. Fastest in order. */
  at(a: number, b: number): string | undefined {
    let k = this.cursor;
    if (k >= this.count || this.first[k]! > a || (this.first[k] === a && this.second[k]! > b)) k = 0;
    while (k < this.count && (this.first[k]! < a || (this.first[k] === a && this.second[k]! < b))) k++;
    this.cursor = k;
    if (k < this.count && this.first[k] === a && this.second[k] === b)
      return this.text.slice(this.start[k], this.end[k]);
    return undefined;
  }

  /**
   * The text with each recorded span replaced by `0`: what the reader parses with `elide`. It
   * parses exactly when the text does (see above), to the same value but for the placeholders.
   */
  elided(): string {
    const text = this.text;
    let out = '';
    let from = 0;
    for (let k = 0; k < this.count; k++) {
      out += text.slice(from, this.start[k]) + '0';
      from = this.end[k]!;
    }
    return out + text.slice(from);
  }

  /**
   * Puts the recorded values back into `value`, the element at index `a` of the path's first
   * array (a batch body's `txns[a]`) as parsed from the elided text: each placeholder is replaced
   * by its value parsed from its text, so `value` is as the whole text would have parsed. Anything
   * not shaped as the path (never the case for a value read from the elided text) is left alone.
   */
  restore(value: unknown, a: number): void {
    if (this.count === 0) return;
    const [first, second] = this.arrays;
    if (first === 0 || second === 0) return;
    let node: unknown = value;
    for (let l = first; l < second - 1; l++) node = memberOf(node, this.path[l]);
    if (!Array.isArray(node)) return;
    const list: unknown[] = node;
    for (let b = 0; b < list.length; b++) {
      const text = this.at(a, b);
      if (text === undefined) continue;
      let holder: unknown = list[b];
      const rest = this.path.length - 1;
      for (let l = second; l < rest; l++) holder = memberOf(holder, this.path[l]);
      const name = this.path[rest];
      if (typeof name === 'string' && isObject(holder)) holder[name] = JSON.parse(text);
    }
  }

  private grow(): void {
    const twice = (a: Int32Array): Int32Array => {
      const out = new Int32Array(a.length * 2);
      out.set(a);
      return out;
    };
    this.first = twice(this.first);
    this.second = twice(this.second);
    this.start = twice(this.start);
    this.end = twice(this.end);
  }
}

/** A raw control character: never in canonical JSON (escaped), never valid inside a JSON string. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const CONTROL = /[\u0000-\u001f]/g;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Member `name` of `v` when `v` is an object and `name` a string, else undefined. */
function memberOf(v: unknown, name: string | null | undefined): unknown {
  return typeof name === 'string' && isObject(v) ? v[name] : undefined;
}

/** Whether `text` is, whole, a JSON number literal as `JSON.stringify` writes it. */
export function isCanonicalNumberText(text: string): boolean {
  const end = scanNumber(text, 0, text.length);
  return end !== 0 && Math.abs(end) === text.length && isCanonicalNumber(text, 0, text.length);
}

/** Whether the number literal `text[s..e)` (already checked as a JSON number) is as `JSON.stringify` writes it. */
export function isCanonicalNumber(text: string, s: number, e: number): boolean {
  let j = s;
  if (text.charCodeAt(j) === 0x2d) j++;
  // An integer of at most 15 digits (no leading zero: the grammar) is its own text, except -0.
  if (e - j <= 15) {
    let k = j;
    while (k < e) {
      const c = text.charCodeAt(k);
      if (c < 0x30 || c > 0x39) break;
      k++;
    }
    if (k === e) return !(j > s && e - j === 1 && text.charCodeAt(j) === 0x30);
  }
  const literal = text.slice(s, e);
  return String(Number(literal)) === literal;
}

/**
 * Whether the raw member name `text[s..e)` sorts after `text[ps..pe)` by UTF-16 code units (names
 * without escapes); true when there is no previous name (`pe < ps`).
 */
export function nameSortsAfter(text: string, ps: number, pe: number, s: number, e: number): boolean {
  if (pe < ps) return true;
  const n = Math.min(pe - ps, e - s);
  for (let k = 0; k < n; k++) {
    const a = text.charCodeAt(ps + k);
    const b = text.charCodeAt(s + k);
    if (a !== b) return b > a;
  }
  return e - s > pe - ps;
}
