/**
 * Write-path versions of `model/canonical.canonicalJson` and `model/hash.hashCanonical` that give
 * exactly the same text and hash, cheaper: no error path strings are built while walking a value
 * (`fastCanonicalJson` returns undefined for anything JSON cannot carry, and the caller re-runs
 * `canonicalJson` to get its BAD_REQUEST), an object whose keys are already in order is not sorted,
 * and SHA-256 uses Node's one-shot `crypto.hash` where it exists (Node >= 20.12).
 * test/contract/canonical-fast.int.test.ts checks both against the model's functions.
 */
import * as crypto from 'node:crypto';
import { hashCanonical } from '../../model/hash';

type OneShotHash = (algorithm: string, data: string, encoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** Lowercase hex SHA-256 of the UTF-8 text (the store's hashing rule, as `hashCanonical`). */
export const sha256Hex: (text: string) => string =
  typeof oneShot === 'function' ? (text) => oneShot('sha256', text, 'hex') : hashCanonical;

/** Canonical JSON of `value`, or undefined when it is not JSON (see `canonicalJson`). */
export function fastCanonicalJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const t = fastCanonicalJson(value[i] as unknown);
          if (t === undefined) return undefined;
          out += i > 0 ? ',' + t : t;
        }
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return undefined;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      let sorted = true;
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1]! > keys[i]!) {
          sorted = false;
          break;
        }
      }
      if (!sorted) keys.sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const t = fastCanonicalJson(obj[k]);
        if (t === undefined) return undefined;
        out += (i > 0 ? ',' : '') + JSON.stringify(k) + ':' + t;
      }
      return out + '}';
    }
    default:
      return undefined;
  }
}
