/**
 * Storable text: the one rule for every string the store keeps, on every backend. A string is
 * storable when it is well-formed Unicode (no lone UTF-16 surrogate: it has no UTF-8 form, so
 * SQLite and the PostgreSQL driver would silently store U+FFFD, and JSON parsers of other languages
 * replace or reject it) and holds no NUL (U+0000, which PostgreSQL text and jsonb cannot hold).
 * The rule covers topic, key, contentType, reason and every string value and member name inside an
 * event's data; anything else is refused with a BAD_REQUEST naming the field
 * (`events[2].key: must be well-formed Unicode (it has a lone surrogate at index 5)`,
 * `reason: must not contain NUL (U+0000)`), never rewritten. Query parameters that name stored
 * keys (`key`, `prefix`, surface `after`) must be well-formed (a lone surrogate cannot even be
 * sent in a URL) but may hold NUL, so keys stored before this rule stay readable and pageable.
 * Reads never re-check stored text. Pure (no Node APIs): the renderer uses it too.
 */
import { tryCanonicalJson, checkedCanonicalJson } from './canonical';
import { badRequest } from './errors';

/** NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE_RE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * In canonical JSON text (JSON.stringify's escaping) a `\u` escape that stands for NUL or a
 * surrogate: JSON.stringify writes NUL as `\u0000` and every lone surrogate as `\udXXX` (lower-case
 * hex, since ES2019), and writes well-formed pairs and all other characters above U+001F as
 * themselves. The escape must start at an escaping backslash, i.e. after an even run of them
 * (`\\u0000` is the text backslash-u-0-0-0-0). Linear: only the first backslash of a run can start
 * a match.
 */
const UNSTORABLE_ESCAPE_RE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/;

function surrogateProblem(index: number): string {
  return `must be well-formed Unicode (it has a lone surrogate at index ${index})`;
}

/** What is wrong with `s` as stored text (`must not contain NUL (U+0000)`, ...), or null. */
export function storableTextProblem(s: string): string | null {
  const m = UNSTORABLE_RE.exec(s);
  if (m === null) return null;
  return m[0] === '\u0000' ? 'must not contain NUL (U+0000)' : surrogateProblem(m.index);
}

/** True when `s` may be stored as is (well-formed, no NUL). */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE_RE.test(s);
}

/** Returns `s`, or throws BAD_REQUEST `<path>: <problem>` when it is not storable text. */
export function checkStorableText(s: string, path: string): string {
  if (UNSTORABLE_RE.test(s)) throw badRequest(`${path}: ${storableTextProblem(s)!}`);
  return s;
}

/**
 * Returns `s`, or throws BAD_REQUEST when it has a lone surrogate. For query parameters that are
 * compared with stored keys: NUL is allowed there (it can name a key stored before the rule).
 */
export function checkWellFormed(s: string, path: string): string {
  const m = LONE_SURROGATE_RE.exec(s);
  if (m !== null) throw badRequest(`${path}: ${surrogateProblem(m.index)}`);
  return s;
}

/**
 * Canonical JSON of an event's data (see canonical.ts), refusing what cannot be stored: values
 * that are not JSON, and strings or member names that are not storable text, with a BAD_REQUEST
 * naming where (`events[0].data.a[2]: must not contain NUL (U+0000)`). The write paths of every
 * backend and the HTTP client call this. Fast path: one regex over the canonical text, after a
 * cheap `includes` that most data skips; only a hit walks the value again to name the place.
 */
export function storableCanonicalJson(value: unknown, path: string): string {
  const text = tryCanonicalJson(value) ?? checkedCanonicalJson(value, path);
  if (hasUnstorableEscape(text)) throwUnstorable(value, path);
  return text;
}

/**
 * True when JSON text written by JSON.stringify (or canonical JSON) holds an escaped NUL or lone
 * surrogate, i.e. when a string or member name of the value it was written from is not storable
 * text. Lets a caller that serialises anyway check a whole body in one scan.
 */
export function hasUnstorableEscape(jsonText: string): boolean {
  return jsonText.includes('\\u') && UNSTORABLE_ESCAPE_RE.test(jsonText);
}

/**
 * Throws the BAD_REQUEST for the first unstorable string or member name of `value` (in canonical
 * order). Runs only on a value canonical JSON has already accepted, so its nesting is bounded
 * by whatever bounds that walk.
 */
function throwUnstorable(value: unknown, path: string): never {
  const found = findUnstorable(value, path);
  throw badRequest(found ?? `${path}: must not contain NUL (U+0000) or lone surrogates`);
}

function findUnstorable(value: unknown, path: string): string | null {
  if (typeof value === 'string') {
    const p = storableTextProblem(value);
    return p === null ? null : `${path}: ${p}`;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const f = findUnstorable(value[i] as unknown, `${path}[${i}]`);
      if (f !== null) return f;
    }
    return null;
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj).sort()) {
    const p = storableTextProblem(k);
    if (p !== null) return `${path}: member name ${JSON.stringify(k)} ${p}`;
    const f = findUnstorable(obj[k], `${path}.${k}`);
    if (f !== null) return f;
  }
  return null;
}
