/**
 * The options of a write and what they make of its answer, the same for every backend: `isDryRun`
 * checks `append`'s `{dryRun?}`, `batchOptionsOf` `appendBatch`'s `{atomic?, dryRun?}` (BAD_REQUEST
 * naming the field otherwise), `rollsBack` says when a batch's write is undone (a dry run, a failed
 * atomic batch) and `batchAnswer` what a failed atomic batch answers (only its error).
 */
import { badRequest } from '../model/errors';
import type { AppendOptions, BatchOptions, BatchResponse } from '../model/types';
import { isPlainObject } from '../model/validate';

/** True when `append` options ask for a dry run; BAD_REQUEST for options that are not `{dryRun?}`. */
export function isDryRun(opts: AppendOptions | undefined): boolean {
  if (opts === undefined || opts === null) return false;
  if (!isPlainObject(opts)) throw badRequest('options: must be an object');
  for (const k of Object.keys(opts)) if (k !== 'dryRun') throw badRequest(`options.${k}: unknown field`);
  if (opts.dryRun !== undefined && typeof opts.dryRun !== 'boolean') {
    throw badRequest('options.dryRun: must be true or false');
  }
  return opts.dryRun === true;
}

/** `appendBatch`'s options, checked: BAD_REQUEST for anything but `{atomic?, dryRun?}` of booleans. */
export function batchOptionsOf(opts: BatchOptions | undefined): Required<BatchOptions> {
  if (opts === undefined || opts === null) return { atomic: false, dryRun: false };
  if (!isPlainObject(opts)) throw badRequest('options: must be an object');
  for (const k of Object.keys(opts)) {
    if (k !== 'atomic' && k !== 'dryRun') throw badRequest(`options.${k}: unknown field`);
  }
  for (const k of ['atomic', 'dryRun'] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== 'boolean') throw badRequest(`options.${k}: must be true or false`);
  }
  return { atomic: opts.atomic === true, dryRun: opts.dryRun === true };
}

/**
 * Whether a batch's write must be rolled back: a dry run always, an atomic batch when any of its
 * transactions failed (then nothing of it is applied).
 */
export function rollsBack(res: BatchResponse, o: Required<BatchOptions>): boolean {
  return o.dryRun || (o.atomic && res.error !== null);
}

/** The answer of a batch: an atomic one that failed reports only its error (nothing was applied). */
export function batchAnswer(res: BatchResponse, o: Required<BatchOptions>): BatchResponse {
  return o.atomic && res.error !== null ? { results: [], error: res.error } : res;
}
