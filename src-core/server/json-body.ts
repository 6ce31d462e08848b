/**
 * The server's `application/json` body parser. The body arrives as bytes and is decoded as strict
 * UTF-8 (invalid bytes are a 400 `body: is not valid UTF-8 (at byte N)`, never U+FFFD), then read
 * by the model's strict JSON text reader (model/json-text.ts): grammar, duplicate member names,
 * numbers beyond ±(2^53 - 1) and nesting deeper than `LIMITS.jsonDepthMax` are a 400 naming the
 * JSON path; an empty or whitespace-only body is no body. A route declares in its options
 * (`config.jsonBody`) how many levels of its body are envelope around the values the depth limit
 * is about (default 1: each member of the body object gets the full limit), and whether too-deep
 * nesting is reported to it (`depthPerTxn`, the batch route: it attributes the problem to the
 * transaction it is in) instead of refusing the whole body here. Routes without that flag never
 * see a body that is too deep. On install the reader is run over a small sample body a few times
 * (`primeReader`, ~4 ms once), so a freshly started server does not read its first large bodies
 * in the interpreter while the JIT compiler catches up.
 */
import { Buffer, isAscii } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from '../model/errors';
import { CanonicalSpans } from '../model/canonical-spans';
import {
  type JsonDepthExcess,
  type JsonTextOptions,
  parseJsonText,
  parseJsonTextReportingDepth,
} from '../model/json-text';
import { decodeUtf8 } from '../model/utf8';

export interface JsonBodyConfig {
  /** Levels of the body above the values the depth limit counts for (default 1). */
  envelope?: number;
  /** Too-deep nesting is left to the route (`tooDeepIn`) instead of refusing the body. */
  depthPerTxn?: boolean;
  /**
   * A path (member names, null for array elements) whose values the reader records when they are
   * written as canonical JSON (model/canonical-spans.ts) and leaves out of the parsed body: the
   * body holds a placeholder `0` at each such place. The route reads them as text with
   * `canonicalIn`, and puts the parsed values back (`restore`) where it needs the values.
   */
  canonicalAt?: readonly (string | null)[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    jsonBody?: JsonBodyConfig;
  }
}

/** Where each `depthPerTxn` route's body first nested too deeply (absent: it did not). */
const tooDeep = new WeakMap<FastifyRequest, JsonDepthExcess>();
/** The canonical values each `canonicalAt` route's body holds at that path. */
const canonical = new WeakMap<FastifyRequest, CanonicalSpans>();

/**
 * A JSON body as a value (undefined for an empty body), under every rule of the strict reader.
 * With `depthPerTxn` too-deep nesting comes back in `tooDeep` instead of being thrown.
 */
export function parseJsonBody(
  bytes: Uint8Array,
  config: JsonBodyConfig = {},
  capture?: CanonicalSpans,
): { value: unknown; tooDeep: JsonDepthExcess | null } {
  const text = decodeBody(bytes);
  if (isBlank(text)) return { value: undefined, tooDeep: null };
  const opts: JsonTextOptions = { envelope: config.envelope ?? 1 };
  if (capture !== undefined) opts.capture = capture;
  if (config.depthPerTxn === true) return parseJsonTextReportingDepth(text, opts);
  return { value: parseJsonText(text, opts), tooDeep: null };
}

/**
 * The body as text: strict UTF-8 (`decodeUtf8`). Bytes that are all ASCII (every body the HTTP
 * client sends but those with non-ASCII text) are the same characters in every one of these
 * encodings, and latin1 makes them a string in one copy, where the UTF-8 decoder validates and
 * then converts (about 5x the CPU measured on a 1.5 MB batch body, docs/bench.md).
 */
function decodeBody(bytes: Uint8Array): string {
  if (!isAscii(bytes)) return decodeUtf8(bytes, 'body');
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.toString('latin1');
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

/**
 * Reads a sample body of every shape (objects wide and narrow, escapes, numbers of each form,
 * literals, whitespace, both depth modes, canonical data left out as the batch route reads it)
 * 20 times. Measured: without it the first two bodies of
 * 10,000 events took about 2 µs of CPU per event instead of 0.2-0.3 (bench/json-text.ts,
 * docs/http.md "JSON bodies").
 */
function primeReader(): void {
  const wide = Object.fromEntries(Array.from({ length: 20 }, (_, j) => [`f${j}`, j]));
  const txns = Array.from({ length: 40 }, (_, i) => ({
    topic: 'prime',
    events: [
      { key: `k\\${i}`, data: { a: [i, -2.5, 3e-3, true, false, null, 'q"u'], wide }, hash: null },
      { key: 'c', data: { a: [i, 0.5, 'x'], b: { c: null } } },
    ],
  }));
  const bodies = [JSON.stringify({ txns }), JSON.stringify({ txns }, null, 1)].map((t) => Buffer.from(t));
  const batch: JsonBodyConfig = { envelope: 5, depthPerTxn: true, canonicalAt: ['txns', null, 'events', null, 'data'] };
  for (let k = 0; k < 20; k++) {
    if (k % 4 < 2) parseJsonBody(bodies[k & 1]!, batch, new CanonicalSpans(batch.canonicalAt!, { elide: true }));
    else parseJsonBody(bodies[k & 1]!, { envelope: 3 });
  }
}

export function installJsonBodyParser(app: FastifyInstance): void {
  primeReader();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      const config = req.routeOptions.config.jsonBody;
      const spans =
        config?.canonicalAt !== undefined ? new CanonicalSpans(config.canonicalAt, { elide: true }) : undefined;
      const parsed = parseJsonBody(body as Buffer, config, spans);
      if (parsed.tooDeep !== null) tooDeep.set(req, parsed.tooDeep);
      if (spans !== undefined && spans.count > 0) canonical.set(req, spans);
      done(null, parsed.value);
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}

/**
 * For a `canonicalAt` route: the values of its body found written as canonical JSON, which the
 * parsed body holds only as placeholders (or null: none).
 */
export function canonicalIn(req: FastifyRequest): CanonicalSpans | null {
  return canonical.get(req) ?? null;
}

/**
 * For a `depthPerTxn` route: the index of the element of the top-level array `member` in which
 * the body first nests too deeply, with the error for it; throws that error when the excess is
 * elsewhere in the body; null when there is none.
 */
export function tooDeepIn(req: FastifyRequest, member: string): { index: number; error: Error } | null {
  const found = tooDeep.get(req);
  if (found === undefined) return null;
  const error = badRequest(found.message);
  const [first, index] = found.path;
  if (first !== member || typeof index !== 'number') throw error;
  return { index, error };
}
