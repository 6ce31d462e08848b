/**
 * Reading route input: path parameters and query strings arrive as strings (or arrays when
 * repeated) and are checked here before they reach a store, with BAD_REQUEST messages that name
 * the parameter (`limit: must be an integer from 1 to 10000, got "abc"`; integers follow the one rule
 * of model/parse.ts). Unknown query parameters are rejected too, so a typo such as `limt=5` is not
 * silently ignored.
 */
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import { TXN_MIN, parseIntegerField } from '../model/parse';
import { validateTopic } from '../model/validate';

export type Query = Record<string, string | string[] | undefined>;

/** Rejects parameters outside `known` and repeated parameters. */
export function checkQuery(q: Query, known: readonly string[]): void {
  for (const [name, value] of Object.entries(q)) {
    if (!known.includes(name)) {
      throw badRequest(
        `${name}: unknown query parameter${known.length ? ` (this route takes ${known.join(', ')})` : ''}`,
      );
    }
    if (Array.isArray(value)) throw badRequest(`${name}: given more than once`);
  }
}

/** A parameter's one value, or undefined when absent (a repeated parameter is refused). */
export function oneParam(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw badRequest(`${name}: given more than once`);
  return v;
}

/** An integer from `min` to `max` (model/parse.ts), or undefined when absent. */
export function intParam(q: Query, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = oneParam(q, name);
  return v === undefined ? undefined : parseIntegerField(name, v, min, max);
}

export function stringParam(
  q: Query,
  name: string,
  maxLen: number = LIMITS.keyMax,
  allowEmpty = false,
): string | undefined {
  const v = oneParam(q, name);
  if (v === undefined) return undefined;
  if ((!allowEmpty && v.length === 0) || v.length > maxLen) {
    throw badRequest(`${name}: must be a ${allowEmpty ? '' : 'non-empty '}string of at most ${maxLen} characters`);
  }
  return v;
}

/** One of `values` (the message lists them: `"a" or "b"`, or `one of "a", "b", "c"`), or undefined. */
export function enumParam<T extends string>(q: Query, name: string, values: readonly T[]): T | undefined {
  const v = oneParam(q, name);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    const quoted = values.map((x) => JSON.stringify(x));
    const expected = quoted.length === 2 ? quoted.join(' or ') : `one of ${quoted.join(', ')}`;
    throw badRequest(`${name}: must be ${expected}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

/** The `{topic}` path segment, validated (never rewritten). */
export function topicParam(params: { topic: string }): string {
  return validateTopic(params.topic);
}

/** The `{txn}` path segment: a transaction number (from 1). */
export function txnParam(params: { txn: string }): number {
  return parseIntegerField('txn', params.txn, TXN_MIN);
}

/** Copies the defined entries of `o`, so stores never see `key: undefined`. */
export function defined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
