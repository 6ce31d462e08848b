/**
 * The check pass of the strict JSON reader (json-text.ts, whose header gives the rules): one
 * `charCodeAt` pass over the text with an explicit stack bounded by the depth limit (no recursion,
 * so no input can overflow the stack), which refuses too deep nesting, duplicate member names and
 * numbers a double does not carry, with a BAD_REQUEST naming the JSON path, records the canonical
 * spans a capture asks for, and throws `SYNTAX` where the text leaves JSON's grammar (json-text.ts
 * words that one). Pure: no Node APIs, safe for the browser build.
 */
import { isCanonicalNumber, nameSortsAfter } from './canonical-spans';
import { badRequest } from './errors';
import { numberProblem, scanNumber } from './json-number';
import { type JsonPathSegment, formatJsonPath } from './json-path';
import type { JsonDepthExcess, JsonTextOptions } from './json-text';
import { LIMITS } from './limits';

const OBJ = 1;
const ARR = 2; // canonical-spans.ts reads the stack with the same value
/** Objects with more members than this check duplicates through a Set instead of pairwise. */
const LINEAR_KEYS = 16;

// Scanner state, reused across calls: the scanner is synchronous and never calls out, so it is
// never re-entered. Per open level (1-based): its kind, its current array index or member name
// (offsets of the raw name; whether it has escapes is read from the text when it matters), and
// where its member names start in the flat name store.
let kinds = new Uint8Array(160);
let indexes = new Int32Array(160);
let keyStart = new Int32Array(160);
let keyEnd = new Int32Array(160);
let namesBase = new Int32Array(160);
const sets: (Set<string> | undefined)[] = [];
let nameStart = new Int32Array(1024);
let nameEnd = new Int32Array(1024);

/** Thrown where the text leaves the grammar: the caller reports it with JSON.parse's message. */
export const SYNTAX = new Error('syntax');

/**
 * Checks `text` against the grammar and the rules (json-text.ts `checkJsonText`): throws `SYNTAX`
 * for a grammar error, BAD_REQUEST for the rest, except that with `tolerateDepth` the first place
 * nesting too deep is returned instead (the inside of that value is not examined further) and
 * checking goes on after it.
 */
export function scanJsonText(text: string, opts: JsonTextOptions, tolerateDepth: boolean): JsonDepthExcess | null {
  const maxDepth = opts.maxDepth ?? LIMITS.jsonDepthMax;
  const limit = (opts.envelope ?? 0) + maxDepth;
  if (kinds.length < limit + 2) grow(limit + 2);
  // Sets of member names left by a text that failed part-way are dropped, not kept alive.
  sets.length = 0;
  opts.capture?.begin(text);
  return scan(text, limit, maxDepth, opts, tolerateDepth);
}

function grow(size: number): void {
  const n = Math.max(size, kinds.length * 2);
  kinds = new Uint8Array(n);
  indexes = new Int32Array(n);
  keyStart = new Int32Array(n);
  keyEnd = new Int32Array(n);
  namesBase = new Int32Array(n);
}

function growNames(): void {
  const s = new Int32Array(nameStart.length * 2);
  s.set(nameStart);
  nameStart = s;
  const e = new Int32Array(nameEnd.length * 2);
  e.set(nameEnd);
  nameEnd = e;
}

/** The index of the first character at or after `i` that is not JSON whitespace (or the end). */
function skipWs(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function scan(
  text: string,
  limit: number,
  maxDepth: number,
  opts: JsonTextOptions,
  tolerateDepth: boolean,
): JsonDepthExcess | null {
  // Locals: the module-level buffers are reassigned only between calls (grow), except the name
  // store (growNames, re-read after it).
  const kinds_ = kinds;
  const indexes_ = indexes;
  const keyStart_ = keyStart;
  const keyEnd_ = keyEnd;
  const namesBase_ = namesBase;
  let nameStart_ = nameStart;
  let nameEnd_ = nameEnd;
  const n = text.length;
  let i = 0;
  let depth = 0;
  let names = 0;
  let excess: JsonDepthExcess | null = null;
  let wantKey = false;
  let c = 0;
  // Where the next backslash is, at or after some point not past `i` (or `n`: none). A string
  // starting before it ends at its next quote, found by the native indexOf; only a string with
  // a backslash in it is walked character by character.
  let backslash = text.indexOf('\\');
  if (backslash < 0) backslash = n;
  // Capture (opts.capture): the depth its values sit at, the levels of its two array indexes, and
  // while one is being read, the depth it started at, where, and whether it is canonical so far.
  const cap = opts.capture;
  const capDepth = cap === undefined ? -1 : cap.path.length;
  const capArrays = cap === undefined ? [0, 0] : cap.arrays;
  let capLevel = -1;
  let capStart = 0;
  let canon = false;
  // One turn per value: a member name first when in an object, then the value, then the commas
  // and closing brackets after it. Reads past the end happen only on malformed input (charCodeAt
  // gives NaN, which matches nothing); a well-formed text is never read out of bounds, which
  // keeps the optimised code on its fast path.
  for (;;) {
    if (wantKey) {
      wantKey = false;
      c = text.charCodeAt(i);
      if (c <= 0x20) {
        c = text.charCodeAt((i = skipWs(text, i)));
        canon = false;
      }
      if (c !== 0x22) throw SYNTAX;
      const start = i + 1;
      let esc = 0;
      const quote = text.indexOf('"', start);
      if (quote >= 0 && quote < backslash) i = quote;
      else {
        i = start;
        for (;;) {
          if (i >= n) throw SYNTAX;
          c = text.charCodeAt(i);
          if (c === 0x22) break;
          if (c === 0x5c) {
            esc = 1;
            i += 2;
          } else i++;
        }
        if (backslash < i && (backslash = text.indexOf('\\', i)) < 0) backslash = n;
      }
      const end = i;
      i++;
      if (capLevel >= 0 && (esc !== 0 || !nameSortsAfter(text, keyStart_[depth]!, keyEnd_[depth]!, start, end))) {
        canon = false;
      }
      keyStart_[depth] = start;
      keyEnd_[depth] = end;
      // Duplicate names: pairwise over raw names while an object is small and unescaped,
      // through a Set of decoded names otherwise.
      const base = namesBase_[depth]!;
      let set = sets[depth];
      if (set === undefined && esc === 0 && names - base < LINEAR_KEYS) {
        const len = end - start;
        for (let k = base; k < names; k++) {
          const s = nameStart_[k]!;
          if (nameEnd_[k]! - s !== len) continue;
          let m = 0;
          while (m < len && text.charCodeAt(s + m) === text.charCodeAt(start + m)) m++;
          if (m === len) throw duplicate(text, depth, opts);
        }
        if (names === nameStart_.length) {
          growNames();
          nameStart_ = nameStart;
          nameEnd_ = nameEnd;
        }
        nameStart_[names] = start;
        nameEnd_[names] = end;
        names++;
      } else {
        if (set === undefined) {
          set = new Set<string>();
          for (let k = base; k < names; k++) set.add(text.slice(nameStart_[k], nameEnd_[k]));
          sets[depth] = set;
        }
        const name = memberName(text, depth);
        if (set.has(name)) throw duplicate(text, depth, opts);
        set.add(name);
      }
      c = text.charCodeAt(i);
      if (c <= 0x20) {
        c = text.charCodeAt((i = skipWs(text, i)));
        canon = false;
      }
      if (c !== 0x3a) throw SYNTAX;
      i++;
    }

    c = text.charCodeAt(i);
    if (c <= 0x20) {
      c = text.charCodeAt((i = skipWs(text, i)));
      canon = false;
    }
    if (depth === capDepth && capLevel < 0 && cap!.isAt(text, depth, kinds_, keyStart_, keyEnd_)) {
      capLevel = depth;
      capStart = i;
      canon = true;
    }
    if (c === 0x22) {
      const quote = text.indexOf('"', i + 1);
      if (quote >= 0 && quote < backslash) i = quote + 1;
      else {
        i++;
        canon = false;
        for (;;) {
          if (i >= n) throw SYNTAX;
          c = text.charCodeAt(i);
          if (c === 0x22) break;
          i += c === 0x5c ? 2 : 1;
        }
        i++;
        if (backslash < i && (backslash = text.indexOf('\\', i)) < 0) backslash = n;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (depth >= limit) {
        const found = { path: pathTo(text, depth), message: '' };
        found.message = `${where(opts, found.path)}: nesting deeper than ${maxDepth} levels`;
        if (!tolerateDepth) throw badRequest(found.message);
        excess ??= found;
        canon = false;
        i = skipValue(text, i + 1);
      } else {
        const kind = c === 0x7b ? OBJ : ARR;
        depth++;
        kinds_[depth] = kind;
        c = text.charCodeAt(++i);
        if (c <= 0x20) {
          c = text.charCodeAt((i = skipWs(text, i)));
          canon = false;
        }
        if (kind === OBJ) {
          namesBase_[depth] = names;
          sets[depth] = undefined;
          // No previous member name yet (capture compares each name with the one before).
          keyStart_[depth] = 1;
          keyEnd_[depth] = 0;
          if (c !== 0x7d) {
            wantKey = true;
            continue;
          }
        } else if (c !== 0x5d) {
          indexes_[depth] = 0;
          continue;
        }
        // An empty object or array.
        depth--;
        i++;
      }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = scanNumber(text, i, n);
      if (end <= 0) {
        if (end === 0) throw SYNTAX;
        end = -end;
        const problem = numberProblem(text.slice(i, end));
        if (problem !== null) throw badRequest(`${where(opts, pathTo(text, depth))}: ${problem}`);
      }
      if (capLevel >= 0 && !isCanonicalNumber(text, i, end)) canon = false;
      i = end;
    } else if (c === 0x74 && text.startsWith('true', i)) i += 4;
    else if (c === 0x66 && text.startsWith('false', i)) i += 5;
    else if (c === 0x6e && text.startsWith('null', i)) i += 4;
    else throw SYNTAX;

    // After a value: close what ends here, up to a comma (next value) or the end of the text.
    for (;;) {
      if (depth === capLevel) {
        // The captured value ends here.
        if (canon) cap!.add(indexes_[capArrays[0]]!, indexes_[capArrays[1]]!, capStart, i);
        capLevel = -1;
      }
      if (i >= n || (c = text.charCodeAt(i)) <= 0x20) {
        i = skipWs(text, i);
        canon = false;
        if (i >= n) {
          if (depth === 0) return excess;
          throw SYNTAX;
        }
        c = text.charCodeAt(i);
      }
      if (depth === 0) throw SYNTAX;
      const kind = kinds_[depth];
      if (c === 0x2c) {
        i++;
        if (kind === OBJ) wantKey = true;
        else indexes_[depth] = indexes_[depth]! + 1;
        break;
      }
      if (c !== (kind === OBJ ? 0x7d : 0x5d)) throw SYNTAX;
      if (kind === OBJ) {
        names = namesBase_[depth]!;
        sets[depth] = undefined;
      }
      depth--;
      i++;
    }
  }
}

/** From just after an opening bracket, the index just after its matching close (no checks). */
function skipValue(text: string, i: number): number {
  const n = text.length;
  let d = 1;
  while (i < n) {
    const c = text.charCodeAt(i++);
    if (c === 0x22) {
      for (let s = 0; i < n && (s = text.charCodeAt(i)) !== 0x22;) i += s === 0x5c ? 2 : 1;
      i++;
    } else if (c === 0x7b || c === 0x5b) d++;
    else if ((c === 0x7d || c === 0x5d) && --d === 0) return i;
  }
  throw SYNTAX;
}

/** The member name of open level `d` (decoded when it has escapes). */
function memberName(text: string, d: number): string {
  const raw = text.slice(keyStart[d], keyEnd[d]);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw SYNTAX;
  }
}

/** The path of the value being read inside open level `d` (its member or index at each level). */
function pathTo(text: string, d: number): JsonPathSegment[] {
  const path: JsonPathSegment[] = [];
  for (let l = 1; l <= d; l++) path.push(kinds[l] === OBJ ? memberName(text, l) : indexes[l]!);
  return path;
}

function duplicate(text: string, d: number, opts: JsonTextOptions): Error {
  const name = memberName(text, d);
  const shown = name.length > 64 ? `${name.slice(0, 63)}\u2026` : name;
  return badRequest(`${where(opts, pathTo(text, d - 1))}: duplicate member name ${JSON.stringify(shown)}`);
}

/** How a message names `path`: the text's name for the root, and before a leading `[`. */
function where(opts: JsonTextOptions, path: readonly JsonPathSegment[]): string {
  const at = opts.at ?? 'body';
  if (path.length === 0) return at;
  const out = formatJsonPath(opts.prefix ?? '', path);
  return out.startsWith('[') ? at + out : out;
}
