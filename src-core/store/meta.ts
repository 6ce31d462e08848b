/**
 * A write's `meta` (docs/engine.md, "Who and why"): `prepareMeta` checks and canonicalises it
 * within its byte cap (a larger cap only for objects the engine built itself, `engineMeta`), and
 * `metaOf` reads a stored text back. Used by every store's write path (store/prepare.ts), the
 * CLI's `--meta` and the HTTP client, and the readers of stored transactions.
 */
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import { storableCanonicalJson } from '../model/text';
import type { JsonObject } from '../model/types';
import { utf8ByteLength } from '../model/utf8';
import { validateMetaShape } from '../model/validate';

/**
 * `meta` objects the engine built itself in this process (a repair's `meta.repair`). Identity, not
 * a flag: an object parsed from a request or a file is never in this set, so no writer can claim
 * the exemption; only code that imports `engineMeta` can.
 */
const ENGINE_META = new WeakSet<JsonObject>();

/**
 * Marks a `meta` object as built by the engine (services/repair.ts): `prepareMeta` then caps it at
 * LIMITS.engineMetaBytesMax instead of the writers' LIMITS.metaBytesMax. Returns the same object.
 */
export function engineMeta<T extends JsonObject>(meta: T): T {
  ENGINE_META.add(meta);
  return meta;
}

/**
 * The canonical JSON text of a write's `meta` (null when absent), refusing what cannot be stored
 * and anything over LIMITS.metaBytesMax bytes (LIMITS.engineMetaBytesMax for `engineMeta`);
 * `path` names it (`meta`, `txns[2].meta`).
 */
export function prepareMeta(meta: JsonObject | null | undefined, path: string): string | null {
  if (meta === undefined || meta === null) return null;
  const text = storableCanonicalJson(validateMetaShape(meta, path), path);
  const bytes = utf8ByteLength(text);
  const max = ENGINE_META.has(meta) ? LIMITS.engineMetaBytesMax : LIMITS.metaBytesMax;
  if (bytes > max) {
    throw badRequest(`${path}: is ${bytes} bytes as canonical JSON; at most ${max} are allowed`);
  }
  return text;
}

/** A stored `meta` text as the object it reads back as (null stays null). */
export function metaOf(text: string | null): JsonObject | null {
  return text === null ? null : (JSON.parse(text) as JsonObject);
}
