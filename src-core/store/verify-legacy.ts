/**
 * Verify's legacy check: would today's validation refuse this stored event (written before a limit
 * existed)? It applies the write path's own rules (model/validate.ts `validateKey`, model/text.ts
 * `storableCanonicalJson` and `checkStorableText`), never a copy of them, and answers their
 * message. Data is parsed only when its stored text could break a rule (an escape that may be NUL
 * or a lone surrogate, more brackets than the depth limit, a number too long to be exact), so a
 * verify of ordinary data pays one scan per event.
 */
import { LIMITS } from '../model/limits';
import { storableCanonicalJson, checkStorableText, hasUnstorableEscape } from '../model/text';
import { validateKey } from '../model/validate';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A digit run long enough to be beyond ±(2^53 - 1), or an exponent (JSON.stringify's 1e+21). */
const LONG_NUMBER_RE = /\d{16}|\de[+-]?\d/;

function mayBreakRules(text: string): boolean {
  if (hasUnstorableEscape(text) || LONG_NUMBER_RE.test(text)) return true;
  if (text.length <= LIMITS.jsonDepthMax) return false;
  let open = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) open++;
  }
  return open > LIMITS.jsonDepthMax;
}

/** What today's validation says of a stored event's key, data text and content type, or null. */
export function legacyProblem(key: string, data: string | null, contentType: string): string | null {
  try {
    validateKey(key);
    checkStorableText(contentType, 'contentType');
    if (contentType.length > LIMITS.contentTypeMax)
      return `contentType: longer than ${LIMITS.contentTypeMax} characters`;
  } catch (err) {
    return messageOf(err);
  }
  if (data === null || data === 'null' || !mayBreakRules(data)) return null;
  try {
    storableCanonicalJson(JSON.parse(data) as unknown, 'data');
    return null;
  } catch (err) {
    return messageOf(err);
  }
}
