/**
 * The error envelope of an answer a test got, one home for every test that checks one (the
 * fetch answers of helpers.ts, the raw-socket answers, the diff uploads' answers): exactly
 * `{"error":{"code","message"}}` with string code and message, nothing beside it.
 */

/** The answer's JSON, or null when it is not JSON. */
export function answerJson(a: { text: string }): unknown {
  try {
    return JSON.parse(a.text) as unknown;
  } catch {
    return null;
  }
}

/** The `{"error":{"code","message"}}` envelope of an answer, or null when it has none. */
export function envelopeOf(a: { text: string }): { code: string; message: string } | null {
  const body = answerJson(a);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') return null;
  const e = (body as { error?: unknown }).error;
  if (typeof e !== 'object' || e === null) return null;
  const { code, message } = e as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : null;
}

/** The envelope of an answer, or a failure naming its status and the start of its text. */
export function errorOf(a: { status?: number; text: string }): { code: string; message: string } {
  const e = envelopeOf(a);
  if (e === null) throw new Error(`no error envelope in ${String(a.status ?? '')} answer: ${a.text.slice(0, 200)}`);
  return e;
}
