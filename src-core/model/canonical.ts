/**
 * Canonical JSON: object keys sorted recursively (by UTF-16 code units, as `Array.prototype.sort`
 * and RFC 8785 do), no insignificant whitespace, numbers and strings exactly as `JSON.stringify`
 * writes them. Two values that are equal as JSON give the same text, so they hash the same and
 * compare equal in diffs. Throws BAD_REQUEST for values JSON cannot carry (undefined, NaN,
 * Infinity, functions, bigint, symbols), naming where in the value it was found.
 * Pure: safe for the browser build.
 */
import { badRequest } from './errors';
import type { JsonValue } from './types';

export function canonicalJson(value: unknown, path = 'data'): string {
  return tryCanonicalJson(value) ?? checkedCanonicalJson(value, path);
}

/**
 * The fast path: canonical JSON of `value`, or undefined when it is not JSON. Builds no error
 * paths while walking and does not sort an object whose keys are already in order (the common
 * case for data that was canonical before), so the write paths pay only for the walk.
 */
export function tryCanonicalJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const t = tryCanonicalJson(value[i] as unknown);
          if (t === undefined) return undefined;
          out += i > 0 ? ',' + t : t;
        }
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return undefined;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1]! > keys[i]!) {
          keys.sort();
          break;
        }
      }
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const t = tryCanonicalJson(obj[k]);
        if (t === undefined) return undefined;
        out += (i > 0 ? ',' : '') + JSON.stringify(k) + ':' + t;
      }
      return out + '}';
    }
    default:
      return undefined;
  }
}

/**
 * The slow path, taken only for values that are not JSON: the same walk, but it throws
 * BAD_REQUEST naming where in the value the problem is. Exported for the tests that check both
 * paths agree.
 */
export function checkedCanonicalJson(value: unknown, path = 'data'): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw badRequest(`${path}: ${String(value)} is not a JSON number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += checkedCanonicalJson(value[i] as unknown, `${path}[${i}]`);
        }
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw badRequest(`${path}: only plain objects, arrays and scalars are JSON`);
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) throw badRequest(`${path}.${k}: undefined is not a JSON value`);
        if (!first) out += ',';
        first = false;
        out += JSON.stringify(k) + ':' + checkedCanonicalJson(v, `${path}.${k}`);
      }
      return out + '}';
    }
    default:
      throw badRequest(`${path}: a ${typeof value} is not a JSON value`);
  }
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
