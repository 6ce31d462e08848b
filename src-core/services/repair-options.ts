/**
 * Checking a repair's own options (beside the diff's, which diff/options.ts checks), reading the
 * chosen keys from NDJSON (the route's `keys` part and the CLI's `--keys FILE`: one JSON string
 * per line, blank lines skipped), and the options as `meta.repair` records them. Every problem is
 * a BAD_REQUEST naming the option (or the line), raised before anything is read or written.
 */
import { canonicalJson } from '../model/canonical';
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { JsonObject, JsonValue, RepairInclude } from '../model/types';
import { utf8ByteLength } from '../model/utf8';
import { validateBy, validateKey, validateNonNegativeInt, validateReason } from '../model/validate';
import { hashCanonical } from '../store/hash';
import type { RepairOptions } from './types';

export const REPAIR_INCLUDES: readonly RepairInclude[] = ['different', 'missingInStore', 'missingInSnapshot'];
export const REPAIR_INCLUDE_DEFAULT: readonly RepairInclude[] = ['different', 'missingInStore'];

/** A repair's own options, checked. */
export interface CheckedRepair {
  include: Set<RepairInclude>;
  reason: string;
  dryRun: boolean;
  expectMaxSeq: number | undefined;
  keys: Set<string> | null;
  name: string | null;
  by: string | null;
  /** Events returned in the result. */
  limit: number;
}

export function checkRepairOptions(opts: RepairOptions): CheckedRepair {
  const raw = opts as RepairOptions & Record<string, unknown>;
  for (const k of ['asOfTxn', 'includeEqual', 'onRow'] as const) {
    if (raw[k] !== undefined) throw badRequest(`${k}: is not an option of repair (it repairs the current surface)`);
  }
  const include = new Set<RepairInclude>(opts.include ?? REPAIR_INCLUDE_DEFAULT);
  if (!Array.isArray(opts.include ?? []) || include.size === 0) {
    throw badRequest(`include: name at least one of ${REPAIR_INCLUDES.join(', ')}`);
  }
  for (const c of include) {
    if (!REPAIR_INCLUDES.includes(c))
      throw badRequest(`include: ${JSON.stringify(c)} is not one of ${REPAIR_INCLUDES.join(', ')}`);
  }
  if (opts.reason === undefined || opts.reason === null) throw badRequest('reason: is required (1 to 1000 characters)');
  const reason = validateReason(opts.reason);
  if (opts.dryRun !== undefined && typeof opts.dryRun !== 'boolean') throw badRequest('dryRun: must be true or false');
  const expectMaxSeq =
    opts.expectMaxSeq === undefined ? undefined : validateNonNegativeInt(opts.expectMaxSeq, 'expectMaxSeq');
  const limit = opts.limit ?? LIMITS.diffRowsDefault;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > LIMITS.diffRowsMax) {
    throw badRequest(`limit: must be an integer from 0 to ${LIMITS.diffRowsMax}`);
  }
  let name: string | null = null;
  if (opts.name !== undefined && opts.name !== null) {
    if (typeof opts.name !== 'string' || opts.name.length === 0 || opts.name.length > LIMITS.reasonMax) {
      throw badRequest(`name: must be a file name of 1 to ${LIMITS.reasonMax} characters`);
    }
    name = opts.name;
  }
  return {
    include,
    reason,
    dryRun: opts.dryRun === true,
    expectMaxSeq,
    keys: opts.keys === undefined || opts.keys === null ? null : checkKeys(opts.keys),
    name,
    by: opts.by === undefined || opts.by === null ? null : validateBy(opts.by),
    limit,
  };
}

function checkKeys(keys: unknown): Set<string> {
  if (!Array.isArray(keys)) throw badRequest('keys: must be a list of keys (or null for every key)');
  if (keys.length > LIMITS.repairEventsMax) {
    throw badRequest(`keys: names ${keys.length} keys; one repair writes at most ${LIMITS.repairEventsMax}`);
  }
  const out = new Set<string>();
  keys.forEach((k, i) => out.add(validateKey(k, `keys[${i}]`)));
  return out;
}

/**
 * The keys of an NDJSON text (one JSON string per line; blank lines skipped), at most
 * LIMITS.repairKeysBytesMax bytes and LIMITS.repairEventsMax keys; `what` names the source
 * (`keys`, a file) in errors, which give the line.
 */
export function parseKeysNdjson(text: string, what = 'keys'): string[] {
  const bytes = utf8ByteLength(text);
  if (bytes > LIMITS.repairKeysBytesMax) {
    throw badRequest(`${what}: is ${bytes} bytes; at most ${LIMITS.repairKeysBytesMax} are allowed`);
  }
  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw badRequest(`${what}: line ${i + 1} is not JSON (each line is one key as a JSON string)`);
    }
    if (typeof v !== 'string') throw badRequest(`${what}: line ${i + 1} is not a JSON string`);
    if (out.length === LIMITS.repairEventsMax) {
      throw badRequest(`${what}: names more than ${LIMITS.repairEventsMax} keys; one repair writes at most that many`);
    }
    out.push(validateKey(v, `${what} line ${i + 1}`));
  }
  return out;
}

/**
 * The options as `meta.repair.options` records them: as given (the diff's and the repair's,
 * without the reason, name, dry run and result size, which are recorded elsewhere or change
 * nothing), or `{sha256}` of their canonical JSON when that is longer than
 * LIMITS.repairOptionsBytesMax bytes (a long key list, say).
 */
export function recordedOptions(opts: RepairOptions): JsonObject {
  const given: JsonObject = {};
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined || ['reason', 'name', 'dryRun', 'limit', 'by'].includes(k)) continue;
    given[k] = v as JsonValue;
  }
  const text = canonicalJson(given);
  return utf8ByteLength(text) > LIMITS.repairOptionsBytesMax ? { sha256: hashCanonical(text) } : given;
}
