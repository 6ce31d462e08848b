/**
 * Strict JSON text: how a JSON text from outside (a request body, a snapshot record) becomes a
 * value. On top of JSON's grammar it refuses, with a BAD_REQUEST naming the JSON path, what would
 * otherwise be silently rewritten or dangerous: nesting deeper than `LIMITS.jsonDepthMax` levels
 * (below an `envelope` of levels that do not count), a duplicate member name in one object (JSON.parse
 * keeps the last), and a number beyond ±(2^53 - 1) however it is written (`9007199254740993`,
 * `9007199254740993.0`, `1e16`, `1e400`), or a non-zero number so small it would become 0
 * (`1e-400`): a double does not carry those exactly. Smaller numbers are doubles as in every JSON
 * implementation (`0.1` reads as the nearest double). One `charCodeAt` pass (json-scan.ts) checks
 * the text with an explicit stack bounded by the depth limit (no recursion, so no input can
 * overflow the stack), then `JSON.parse` (iterative in V8) builds the value; a grammar error is
 * reported with `JSON.parse`'s own message. Number literals are judged by json-number.ts and paths
 * in messages written by json-path.ts; writing JSON of any depth is json-write.ts. Pure: no Node
 * APIs, safe for the browser build.
 */
import type { CanonicalSpans } from './canonical-spans';
import { badRequest } from './errors';
import type { JsonPathSegment } from './json-path';
import { SYNTAX, scanJsonText } from './json-scan';

export interface JsonTextOptions {
  /** Levels of arrays and objects allowed below the envelope. Default `LIMITS.jsonDepthMax`. */
  maxDepth?: number;
  /**
   * Levels at the top that do not count toward `maxDepth`: the envelope around the values the
   * limit is about (e.g. 3 for `{"events":[{...event...}]}`, so each event member gets the full
   * `maxDepth`). Default 0.
   */
  envelope?: number;
  /** The text's name in messages about the whole text (grammar errors). Default `body`. */
  at?: string;
  /** Put before member paths in messages (default ''), e.g. `record 3 (line 5): `. */
  prefix?: string;
  /**
   * Records where the values at its path are written as canonical JSON (canonical-spans.ts); one
   * that `elides` them leaves them out of the parsed value.
   */
  capture?: CanonicalSpans;
}

/** Where a text first nests too deeply, when the caller decides what that means (a batch). */
export interface JsonDepthExcess {
  path: JsonPathSegment[];
  message: string;
}

/**
 * Checks a JSON text against the grammar and the rules above. Throws BAD_REQUEST for any
 * problem, except that with `tolerateDepth` the first place nesting too deep is returned instead
 * (the inside of that value is not examined further) and checking goes on after it.
 */
export function checkJsonText(text: string, opts: JsonTextOptions = {}, tolerateDepth = false): JsonDepthExcess | null {
  try {
    return scanJsonText(text, opts, tolerateDepth);
  } catch (e) {
    if (e === SYNTAX) throw malformed(text, opts);
    throw e;
  }
}

/** A JSON text as a value, under every rule of `checkJsonText` (throws BAD_REQUEST). */
export function parseJsonText(text: string, opts: JsonTextOptions = {}): unknown {
  checkJsonText(text, opts);
  return parseChecked(text, opts);
}

/**
 * Like `parseJsonText`, but nesting too deep is reported beside the value instead of thrown, so a
 * caller can attribute it (a batch: to the transaction it is in). Everything else still throws.
 */
export function parseJsonTextReportingDepth(
  text: string,
  opts: JsonTextOptions = {},
): { value: unknown; tooDeep: JsonDepthExcess | null } {
  const tooDeep = checkJsonText(text, opts, true);
  return { value: parseChecked(text, opts), tooDeep };
}

function parseChecked(text: string, opts: JsonTextOptions): unknown {
  const cap = opts.capture;
  try {
    // With an eliding capture the recorded values are left out (canonical-spans.ts `elided`).
    return JSON.parse(cap !== undefined && cap.elides && cap.count > 0 ? cap.elided() : text);
  } catch {
    // The scanner leaves a few grammar details to JSON.parse (control characters in strings,
    // escapes): its message says what and where.
    throw malformed(text, opts);
  }
}

function malformed(text: string, opts: JsonTextOptions): Error {
  let detail = 'it does not follow the JSON grammar';
  try {
    JSON.parse(text);
  } catch (e) {
    detail = e instanceof Error ? e.message : String(e);
  }
  return badRequest(`${opts.at ?? 'body'}: malformed JSON (${detail})`);
}
