/**
 * Writing JSON of any depth: `stringifyJson` is `JSON.stringify` that survives values nested far
 * deeper than the native writer's stack allows, for responses and exports of data stored before
 * the depth limit existed, and `writeDeep` is the iterative writer behind it, which canonical.ts
 * also uses (keys sorted) for such data. Nothing here checks a value: the checks that decide
 * what may be stored are canonical.ts's and json-text.ts's. Pure: safe for the browser build.
 */

/** Strings longer than this are quoted by `JSON.stringify` itself (its fixed cost is paid off). */
const QUOTE_SCAN_MAX = 64;

/**
 * `JSON.stringify(s)` for a string, cheaper for the short strings data is made of (member names,
 * words, decimals): when no character needs an escape (a quote, a backslash, a control character
 * below U+0020, a surrogate: JSON.stringify escapes lone ones) the text is `s` in quotes, built
 * without the native writer's per-call set-up (about 400 instructions, more than the short scan).
 * Anything else, and every longer string, is JSON.stringify's. The same text either way.
 */
export function quoteJsonString(s: string): string {
  return isPlainJsonString(s) ? '"' + s + '"' : JSON.stringify(s);
}

/**
 * True when `s` is short (at most QUOTE_SCAN_MAX characters) and no character of it needs an
 * escape: then its JSON is `s` in quotes (`quoteJsonString`; canonical.ts writes such strings
 * into its text without quoting them first).
 */
export function isPlainJsonString(s: string): boolean {
  const n = s.length;
  if (n > QUOTE_SCAN_MAX) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/**
 * `JSON.stringify` for values of any depth: the native one, and where it overflows the stack
 * (beyond a few thousand levels, which only data stored before the depth limit can have) an
 * iterative writer with the same output for JSON data. For responses and exports of stored data.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return writeDeep(value, false);
  }
}

interface Frame {
  /** The array, or the object's values in `keys` order. */
  items: unknown[];
  /** Member names of an object; null for an array. */
  keys: string[] | null;
  next: number;
  /** Whether a member has been written (objects leave out undefined and function members). */
  wrote: boolean;
}

/**
 * JSON text of `value` without recursion, as JSON.stringify writes it (`sortKeys`: object keys
 * in code-unit order, as canonical JSON has them, and no toJSON). Exported for canonical.ts.
 */
export function writeDeep(value: unknown, sortKeys: boolean): string {
  let out = '';
  const stack: Frame[] = [];
  const prepare = (v: unknown): unknown =>
    !sortKeys && typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function'
      ? (v as { toJSON: () => unknown }).toJSON()
      : v;
  // Writes a scalar or opens a frame for an array or object (undefined, functions and symbols are
  // left out of objects by the caller and written as null in arrays, as JSON.stringify does).
  const put = (v: unknown): void => {
    switch (typeof v) {
      case 'string':
        out += JSON.stringify(v);
        return;
      case 'number':
        out += Number.isFinite(v) ? JSON.stringify(v) : 'null';
        return;
      case 'boolean':
        out += v ? 'true' : 'false';
        return;
      case 'bigint':
        throw new TypeError('Do not know how to serialize a BigInt');
      case 'object': {
        if (v === null) {
          out += 'null';
          return;
        }
        if (Array.isArray(v)) {
          out += '[';
          stack.push({ items: v as unknown[], keys: null, next: 0, wrote: false });
          return;
        }
        const obj = v as Record<string, unknown>;
        const keys = Object.keys(obj);
        if (sortKeys) keys.sort();
        out += '{';
        stack.push({ items: keys.map((k) => obj[k]), keys, next: 0, wrote: false });
        return;
      }
      default:
        out += 'null';
    }
  };
  const omitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';
  put(prepare(value));
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.next >= f.items.length) {
      out += f.keys === null ? ']' : '}';
      stack.pop();
      continue;
    }
    const at = f.next++;
    const v = prepare(f.items[at]);
    if (f.keys === null) {
      if (at > 0) out += ',';
      put(v);
    } else if (!omitted(v)) {
      out += (f.wrote ? ',' : '') + JSON.stringify(f.keys[at]) + ':';
      f.wrote = true;
      put(v);
    }
  }
  return out;
}
