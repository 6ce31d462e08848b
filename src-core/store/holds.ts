/**
 * What each backend can hold of a stored value: the one place that decides it (docs/operations.md
 * "Values a target cannot hold"). Today's write rules (model/text.ts storable text, the depth
 * limit) refuse NUL, lone surrogates and deep nesting for every new write; stores written before
 * those rules may hold such values, and an import (store/import-check.ts) or a copy's preflight
 * (services/copy.ts) must know whether the target can keep them byte for byte:
 *
 * - memory: any JSON value and any string.
 * - sqlite: data and meta are canonical JSON text (NUL and lone surrogates are `\u` escapes there:
 *   held); a key, content type, reason or `by` is a TEXT column in UTF-8: NUL is held, a lone
 *   surrogate has no UTF-8 form (it would become U+FFFD): refused.
 * - postgres: data and meta are canonical JSON in `text` columns (escapes: held); a key, content
 *   type, reason or `by` is `text`: PostgreSQL text cannot hold NUL, and a lone surrogate has no
 *   UTF-8 form: both refused.
 *
 * Nesting up to LIMITS.importJsonDepthMax is held by every backend (their readers are iterative);
 * deeper values by none (an import refuses them; a copy's preflight reports them).
 * The HTTP store forwards to a server whose backend it does not know; a copy's preflight judges it
 * by the strictest rule (postgres).
 */
import { LIMITS } from '../model/limits';
import { storableTextProblem } from '../model/text';

export type HoldingBackend = 'memory' | 'sqlite' | 'postgres';

interface HoldRule {
  /** A NUL in a text column (key, contentType, reason, by). */
  textNul: boolean;
  /** A lone surrogate in a text column. */
  textLoneSurrogate: boolean;
}

const RULES: Record<HoldingBackend, HoldRule> = {
  memory: { textNul: true, textLoneSurrogate: true },
  sqlite: { textNul: true, textLoneSurrogate: false },
  postgres: { textNul: false, textLoneSurrogate: false },
};

/** The backend whose rule judges a store of `kind` as an import target ('http': the strictest). */
export function holdingBackendOf(kind: string): HoldingBackend {
  return kind === 'memory' || kind === 'sqlite' ? kind : 'postgres';
}

/** Why `backend` cannot hold text `s` in a text column, or null. */
function textProblem(backend: HoldingBackend, s: string): string | null {
  const p = storableTextProblem(s);
  if (p === null) return null;
  const rule = RULES[backend];
  const nul = p.includes('NUL');
  if (nul ? rule.textNul : rule.textLoneSurrogate) return null;
  return `${backend} cannot hold it: ${p}`;
}

/** One value a target cannot hold: where it is and why. */
export interface HoldProblem {
  txn: number;
  seq: number | null;
  key: string | null;
  field: string;
  problem: string;
}

/** What the rule looks at of a transaction (an `ImportTxn` as read, or a checked one). */
export interface HoldInput {
  txn: { txn: number; by: string | null; meta?: unknown };
  events: readonly { seq: number; key: string; contentType: string; reason?: string | null; data?: unknown }[];
}

/** True when `v` nests arrays and objects deeper than `max` levels (iterative: any depth). */
function deeperThan(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d + 1 > max) return true;
    for (const c of Array.isArray(x) ? x : Object.values(x)) stack.push([c, d + 1]);
  }
  return false;
}

const TOO_DEEP = `nested deeper than ${LIMITS.importJsonDepthMax} levels: no target takes it`;

/** The first value of a transaction `backend` cannot hold, or null when it can hold all of it. */
export function holdProblem(backend: HoldingBackend, t: HoldInput): HoldProblem | null {
  const txn = t.txn.txn;
  if (deeperThan(t.txn.meta, LIMITS.importJsonDepthMax)) {
    return { txn, seq: null, key: null, field: 'meta', problem: TOO_DEEP };
  }
  if (typeof t.txn.by === 'string') {
    const p = textProblem(backend, t.txn.by);
    if (p !== null) return { txn, seq: null, key: null, field: 'by', problem: p };
  }
  for (const e of t.events) {
    const fields: [string, unknown][] = [
      ['key', e.key],
      ['contentType', e.contentType],
      ['reason', e.reason],
    ];
    for (const [field, v] of fields) {
      if (typeof v !== 'string') continue;
      const p = textProblem(backend, v);
      if (p !== null) return { txn, seq: e.seq, key: e.key, field, problem: p };
    }
    if (deeperThan(e.data, LIMITS.importJsonDepthMax)) {
      return { txn, seq: e.seq, key: e.key, field: 'data', problem: TOO_DEEP };
    }
  }
  return null;
}

/** A hold problem as one line: `txn 3, seq 7, key "a\u0000b": key: postgres cannot hold it: ...`. */
export function describeHoldProblem(p: HoldProblem): string {
  const at = [`txn ${p.txn}`];
  if (p.seq !== null) at.push(`seq ${p.seq}`);
  if (p.key !== null) at.push(`key ${JSON.stringify(p.key)}`);
  return `${at.join(', ')}: ${p.field}: ${p.problem}`;
}
