/**
 * Verify over the wire (docs/api.md "Verify"): `GET /v1/topics/{topic}/verify?expectHead=HEX`
 * answers NDJSON, one JSON object per line:
 *
 *   {"progress":{"txns":N,"events":N,"totalTxns":N}}   zero or more, as the check advances
 *   {"result":VerifyResult}                             the last line when it ran to the end
 *   {"error":{"code":"…","message":"…"}}                the last line when it failed after the 200
 *
 * A failure before the first line is an ordinary error answer (the envelope). A stream that ends
 * without a result or error line was cut off (UNAVAILABLE). `verifyOverWire` is the one client of
 * it, used by the Node HTTP store and the browser adapter alike; aborting its signal closes the
 * connection, which cancels the work on the server. Pure: fetch and streams only.
 */
import { TidemarkError, errorFromEnvelope } from '../model/errors';
import type { VerifyOptions, VerifyProgress, VerifyResult } from '../model/integrity';
import { answerLines } from './body-read';
import { cancelled, networkError } from './envelope';
import { paths } from './paths';
import type { WireRequestInit, WireTransport } from './transport';

/** One line of the stream. */
export type VerifyLine =
  { progress: VerifyProgress } | { result: VerifyResult } | { error: { code: string; message: string } };

/** The line's text (no newline). */
export function verifyLine(line: VerifyLine): string {
  return JSON.stringify(line);
}

/** Reads one line: progress goes to `onProgress`, a result is returned, an error thrown; null: more. */
export function readVerifyLine(text: string, onProgress?: (p: VerifyProgress) => void): VerifyResult | null {
  const err = errorFromEnvelope(text);
  if (err !== null) throw err;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new TidemarkError('UNAVAILABLE', `verify: the server sent a line that is not JSON (${text.slice(0, 80)})`);
  }
  if (typeof v === 'object' && v !== null) {
    if ('result' in v) return (v as { result: VerifyResult }).result;
    if ('progress' in v) {
      onProgress?.((v as { progress: VerifyProgress }).progress);
      return null;
    }
  }
  throw new TidemarkError('UNAVAILABLE', `verify: the server sent an unknown line (${text.slice(0, 80)})`);
}

/** Runs verify on the server behind `t`, reading its progress lines to the result. */
export async function verifyOverWire(t: WireTransport, topic: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const what = `verify of ${topic}`;
  const init: WireRequestInit = { method: 'GET', headers: { accept: 'application/x-ndjson' }, what };
  if (opts.expectHead !== undefined) init.query = { expectHead: opts.expectHead };
  if (opts.signal !== undefined) init.signal = opts.signal;
  const res = await t.fetch(paths.verify(topic), init);
  if (!res.ok || res.body === null) throw await t.errorFrom(res, what);
  try {
    for await (const line of answerLines(res.body as ReadableStream<Uint8Array>, what)) {
      if (line.trim() === '') continue;
      const result = readVerifyLine(line, opts.onProgress);
      if (result !== null) return result;
    }
  } catch (e) {
    if (e instanceof TidemarkError) throw e;
    if (opts.signal?.aborted === true) throw cancelled(what, e);
    throw networkError(e, what, t.baseUrl);
  }
  throw new TidemarkError('UNAVAILABLE', `${what}: the answer from ${t.baseUrl} ended before its result line`);
}
