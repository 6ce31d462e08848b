/**
 * The Diff tab's comparison options as a person types them (map, tolerance, normalise, as of txn),
 * read with the wire's readers (src-core/wire/diff-query.ts: the same text forms and messages as the
 * route and the CLI) into the diff request's options, and remembered per connection and topic in
 * localStorage (`tidemark.diffOptions.<connection id>.<topic>`; anything unreadable there is
 * ignored, never half-applied). A server message that names an option (`map: …`) is shown at that
 * option (`optionOfMessage`). Pure apart from the storage handed in.
 */
import { parseTxn } from '../../src-core/model/parse';
import { hasErrorCode } from '../../src-core/model/errors';
import type { DiffFileOptions } from '../../src-core/export/diff';
import { parseMap, parseTolerance } from '../../src-core/wire/diff-query';

export interface DiffOptionsText {
  map: string;
  tolerance: string;
  trim: boolean;
  ignoreCase: boolean;
  asOfTxn: string;
}

export type DiffOptionName = 'map' | 'tolerance' | 'normalise' | 'asOfTxn';

export const NO_OPTIONS: DiffOptionsText = { map: '', tolerance: '', trim: false, ignoreCase: false, asOfTxn: '' };

/** The options a diff request takes beside the key and fields. */
export type DiffRequestOptions = Pick<DiffFileOptions, 'map' | 'tolerance' | 'asOfTxn'> & {
  normalise?: ('trim' | 'case')[];
};

export interface ReadOptions {
  options: DiffRequestOptions;
  /** What is wrong with each option, in the server's words. */
  errors: Partial<Record<DiffOptionName, string>>;
}

function messageOf(e: unknown): string {
  return hasErrorCode(e) && e instanceof Error ? e.message : String(e);
}

/** The typed text as request options; empty fields are left out. */
export function readOptions(t: DiffOptionsText): ReadOptions {
  const options: DiffRequestOptions = {};
  const errors: ReadOptions['errors'] = {};
  if (t.map.trim() !== '') {
    try {
      options.map = parseMap(t.map, 'map');
    } catch (e) {
      errors.map = messageOf(e);
    }
  }
  if (t.tolerance.trim() !== '') {
    try {
      options.tolerance = parseTolerance(t.tolerance, 'tolerance');
    } catch (e) {
      errors.tolerance = messageOf(e);
    }
  }
  const normalise: ('trim' | 'case')[] = [];
  if (t.trim) normalise.push('trim');
  if (t.ignoreCase) normalise.push('case');
  if (normalise.length > 0) options.normalise = normalise;
  if (t.asOfTxn.trim() !== '') {
    const n = parseTxn(t.asOfTxn.trim());
    if (n === null) errors.asOfTxn = `asOfTxn: must be a transaction number, got ${JSON.stringify(t.asOfTxn)}`;
    else options.asOfTxn = n;
  }
  return { options, errors };
}

/** The option a server message is about (`map: …`, `tolerance "px": …`), or null. */
export function optionOfMessage(message: string): DiffOptionName | null {
  const m = /^(map|tolerance|normalise|asOfTxn)\b/.exec(message);
  return m === null ? null : (m[1] as DiffOptionName);
}

export function optionsStorageKey(connectionId: string, topic: string): string {
  return `tidemark.diffOptions.${connectionId}.${topic}`;
}

/** The remembered options, or none when nothing (or something unreadable) is stored. */
export function loadOptions(storage: Pick<Storage, 'getItem'> | null, key: string): DiffOptionsText {
  try {
    const raw = storage?.getItem(key);
    if (raw === null || raw === undefined) return NO_OPTIONS;
    const v = JSON.parse(raw) as Record<string, unknown>;
    const text = (x: unknown): x is string => typeof x === 'string' && x.length <= 64 * 1024;
    const flag = (x: unknown): x is boolean => typeof x === 'boolean';
    if (text(v.map) && text(v.tolerance) && flag(v.trim) && flag(v.ignoreCase) && text(v.asOfTxn)) {
      return { map: v.map, tolerance: v.tolerance, trim: v.trim, ignoreCase: v.ignoreCase, asOfTxn: v.asOfTxn };
    }
  } catch {
    // unreadable: start from no options
  }
  return NO_OPTIONS;
}

export function saveOptions(storage: Pick<Storage, 'setItem'> | null, key: string, t: DiffOptionsText): void {
  try {
    storage?.setItem(key, JSON.stringify(t));
  } catch {
    // storage full or disabled: the options still apply to this comparison
  }
}
