/**
 * Canonical JSON: object keys sorted recursively (by UTF-16 code units, as `Array.prototype.sort`
 * and RFC 8785 do), no insignificant whitespace, numbers and strings exactly as `JSON.stringify`
 * writes them. Two values that are equal as JSON give the same text, so they hash the same and
 * compare equal in diffs. The write path (`canonicalJson`) is also the check that a value may be
 * stored: it throws BAD_REQUEST, naming where in the value, for what JSON cannot carry (undefined,
 * NaN, Infinity, functions, bigint, symbols), for numbers beyond ±(2^53 - 1) (JSON texts cannot
 * carry them exactly, see json-number.ts) and for nesting deeper than `LIMITS.jsonDepthMax`; its
 * recursion is bounded by that limit, so no value (a cycle included) overflows the stack. Reads
 * of stored data use `storedCanonicalJson`, which checks nothing and takes any depth (data
 * stored before the limits existed stays readable). Pure: safe for the browser build.
 */
import { badRequest } from './errors';
import { type JsonPathSegment, formatJsonPath } from './json-path';
import { isPlainJsonString, quoteJsonString, writeDeep } from './json-write';
import { LIMITS } from './limits';
import type { JsonValue } from './types';

const SAFE = Number.MAX_SAFE_INTEGER;

export function canonicalJson(value: unknown, path = 'data'): string {
  return tryCanonicalJson(value) ?? checkedCanonicalJson(value, path);
}

/**
 * The fast path: canonical JSON of `value`, or undefined when it may not be stored (not JSON, a
 * number beyond ±(2^53 - 1), nesting deeper than the limit). Builds no error paths while walking
 * and does not sort an object whose keys are already in order (the common case for data that was
 * canonical before), nor one whose names come in the same order as the last object's at its depth
 * (`shapeOf`: data repeats its shapes), so the write paths pay only for the walk.
 */
export function tryCanonicalJson(value: unknown): string | undefined {
  return fast(value, LIMITS.jsonDepthMax);
}

/** `"name":` of recently written member names (data repeats its names from event to event). */
const memberPrefixes = new Map<string, string>();
/** Names the cache holds at most (it is emptied when full: client data may hold any names). */
const MEMBER_PREFIXES_MAX = 512;
/** Longer names are not cached. */
const MEMBER_PREFIX_NAME_MAX = 64;

/** A member name as canonical JSON writes it before the value: `"name":`. */
function memberPrefix(name: string): string {
  let m = memberPrefixes.get(name);
  if (m !== undefined) return m;
  m = quoteJsonString(name) + ':';
  if (name.length <= MEMBER_PREFIX_NAME_MAX) {
    if (memberPrefixes.size >= MEMBER_PREFIXES_MAX) memberPrefixes.clear();
    memberPrefixes.set(name, m);
  }
  return m;
}

/**
 * An object's member names as `Object.keys` gave them, in canonical order, and the text written
 * before each one's value: `{"name":` for the first, `,"name":` for the others (`memberPrefix`
 * after `{` or `,`), and the same with the quote that opens a string value (`quoted`).
 */
interface Shape {
  names: string[];
  sorted: string[];
  prefixes: string[];
  quoted: string[];
}

/**
 * The shape of the last object written at each depth (by `levels`), when it had at most
 * SHAPE_NAMES_MAX names of at most MEMBER_PREFIX_NAME_MAX characters: data repeats the shape of
 * its objects from event to event, so an object with the same names in the same order as the last
 * one at its depth is written without sorting its names or looking up their prefixes.
 */
const shapes: (Shape | undefined)[] = [];
const SHAPE_NAMES_MAX = 32;

/** The shape of an object whose names `Object.keys` gave as `names` (an array this call may keep). */
function shapeOf(names: string[], levels: number): Shape {
  const last = shapes[levels];
  const n = names.length;
  if (last !== undefined && last.names.length === n) {
    let i = 0;
    while (i < n && last.names[i] === names[i]) i++;
    if (i === n) return last;
  }
  let sorted = names;
  for (let i = 1; i < n; i++) {
    if (names[i - 1]! > names[i]!) {
      sorted = names.slice().sort();
      break;
    }
  }
  const prefixes = new Array<string>(n);
  const quoted = new Array<string>(n);
  let cacheable = n <= SHAPE_NAMES_MAX;
  for (let i = 0; i < n; i++) {
    const name = sorted[i]!;
    prefixes[i] = (i === 0 ? '{' : ',') + memberPrefix(name);
    quoted[i] = prefixes[i] + '"';
    if (name.length > MEMBER_PREFIX_NAME_MAX) cacheable = false;
  }
  const shape = { names, sorted, prefixes, quoted };
  if (cacheable) shapes[levels] = shape;
  return shape;
}

/** `levels`: how many more levels of arrays and objects may open here. */
function fast(value: unknown, levels: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return quoteJsonString(value);
    case 'number':
      // NaN and ±Infinity fail both comparisons. A finite number's JSON is its String (-0: "0").
      return value <= SAFE && value >= -SAFE ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (levels === 0) return undefined;
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const t = fast(value[i] as unknown, levels - 1);
          if (t === undefined) return undefined;
          out += i > 0 ? ',' + t : t;
        }
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return undefined;
      const obj = value as Record<string, unknown>;
      const { sorted, prefixes, quoted } = shapeOf(Object.keys(obj), levels);
      if (sorted.length === 0) return '{}';
      let out = '';
      for (let i = 0; i < sorted.length; i++) {
        const v = obj[sorted[i]!];
        // A plain string is written in place (its JSON is itself in quotes), saving two joins.
        if (typeof v === 'string' && isPlainJsonString(v)) out += quoted[i]! + v + '"';
        else {
          const t = fast(v, levels - 1);
          if (t === undefined) return undefined;
          out += prefixes[i]! + t;
        }
      }
      return out + '}';
    }
    default:
      return undefined;
  }
}

/**
 * The slow path, taken only for values the fast path refuses: the same walk, but it throws
 * BAD_REQUEST naming where in the value the problem is (`path` names the value itself). Exported
 * for the tests that check both paths agree.
 */
export function checkedCanonicalJson(value: unknown, path = 'data'): string {
  return checked(value, path, [], LIMITS.jsonDepthMax);
}

/** `segs`: the path below `base` so far (pushed and popped as the walk goes). */
function checked(value: unknown, base: string, segs: JsonPathSegment[], levels: number): string {
  const fail = (problem: string): Error => badRequest(`${formatJsonPath(base, segs)}: ${problem}`);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw fail(`${String(value)} is not a JSON number`);
      if (value > SAFE || value < -SAFE) {
        throw fail(
          `number ${String(value)} is beyond ±${SAFE} (2^53 - 1) and cannot be carried exactly; send it as a string`,
        );
      }
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (levels === 0) throw fail(`nesting deeper than ${LIMITS.jsonDepthMax} levels`);
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          segs.push(i);
          out += checked(value[i] as unknown, base, segs, levels - 1);
          segs.pop();
        }
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw fail('only plain objects, arrays and scalars are JSON');
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        segs.push(k);
        if (v === undefined) throw fail('undefined is not a JSON value');
        if (!first) out += ',';
        first = false;
        out += JSON.stringify(k) + ':' + checked(v, base, segs, levels - 1);
        segs.pop();
      }
      return out + '}';
    }
    default:
      throw fail(`a ${typeof value} is not a JSON value`);
  }
}

/**
 * Canonical JSON of data read back from a store (or parsed from a stored text): no checks, any
 * depth. Data within today's limits takes the fast path; data stored before the limits existed
 * (deeper, or with numbers beyond ±2^53) is written by an iterative walker with the same output,
 * so reading, exporting and diffing it never fails and never overflows the stack.
 */
export function storedCanonicalJson(value: JsonValue): string {
  return tryCanonicalJson(value) ?? writeDeep(value, true);
}

/** Validates that `value` is JSON and returns it typed as such (throws BAD_REQUEST otherwise). */
export function asJsonValue(value: unknown, path = 'data'): JsonValue {
  canonicalJson(value, path);
  return value as JsonValue;
}

/**
 * Key order of surfaces and diffs: by Unicode code point, which is the byte order of UTF-8 —
 * SQLite's BINARY collation and PostgreSQL's `COLLATE "C"`. Plain `<` on JS strings compares
 * UTF-16 code units and disagrees for characters above U+FFFF, so use this in merges.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // A surrogate (0xD800-0xDFFF) stands for a code point above 0xFFFF, so it sorts after
      // every BMP character, including 0xE000-0xFFFF that are numerically larger code units.
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1;
      return ca < cb ? -1 : 1;
    }
  }
  return a.length - b.length;
}
