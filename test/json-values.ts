/**
 * fast-check arbitraries for JSON values the store accepts: like `fc.jsonValue`, but every number
 * is within ±(2^53 - 1) (beyond it a JSON text cannot carry a number exactly, and the store refuses
 * it) and nesting stays far below `LIMITS.jsonDepthMax`. Shared by the model, diff and HTTP tests.
 */
import fc from 'fast-check';
import type { JsonValue } from '../src-core/model/types';

const SAFE = Number.MAX_SAFE_INTEGER;

/** Integers and doubles within ±(2^53 - 1), -0 included. */
export const safeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -SAFE, max: SAFE }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -SAFE, max: SAFE, noNaN: true, noDefaultInfinity: true }),
);

export interface JsonWithinLimitsOptions {
  /** Most levels of arrays and objects (default 4). */
  maxDepth?: number;
  /** Characters of strings and member names (default: any UTF-16, lone surrogates included). */
  unit?: 'grapheme' | 'binary';
}

/** A JSON value within the store's limits. */
export function jsonWithinLimits(opts: JsonWithinLimitsOptions = {}): fc.Arbitrary<JsonValue> {
  const str = fc.string({ unit: opts.unit ?? 'binary', maxLength: 8 });
  const { value } = fc.letrec<{ value: JsonValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: opts.maxDepth ?? 4, withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      safeNumber,
      str,
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(str, tie('value'), { maxKeys: 5 }),
    ),
  }));
  return value;
}
