/**
 * Every caller reads integers by the one rule of src-core/model/parse.ts, each in its own form:
 * the HTTP 400 of a query parameter or the txn path segment (server/params.ts), commander's
 * one-line message of a CLI option (cli/options.ts); the app's boxes and URL are
 * renderer/lib/txn-input.unit.test.ts. Each accepts and refuses exactly the texts the rule does.
 */
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseNonNegativeInt, parsePositiveInt, parseRange } from '../../src-core/cli/options';
import { parseInteger, parseTxn } from '../../src-core/model/parse';
import { intParam, txnParam } from '../../src-core/server/params';
import { INTEGER_TEXTS } from '../integer-texts';

/** The message a throwing parser gives, or null when it returns. */
function thrown(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

describe('every caller applies the one rule', () => {
  it('HTTP query parameters and the txn path segment', () => {
    for (const t of INTEGER_TEXTS) {
      const want = parseInteger(t);
      const got = thrown(() => intParam({ after: t }, 'after'));
      expect(got, JSON.stringify(t)).toBe(
        want === null ? `after: must be a non-negative integer, got ${JSON.stringify(t)}` : null,
      );
      expect(thrown(() => txnParam({ txn: t })) === null, JSON.stringify(t)).toBe(parseTxn(t) !== null);
    }
    expect(thrown(() => intParam({ txn: '0' }, 'txn', 1))).toBe('txn: must be a positive integer, got "0"');
  });

  it('CLI options, in commander’s one-line form', () => {
    for (const t of INTEGER_TEXTS) {
      const want = parseInteger(t);
      const got = thrown(() => parseNonNegativeInt(t));
      expect(got, JSON.stringify(t)).toBe(want === null ? 'must be a non-negative integer.' : null);
      expect(thrown(() => parsePositiveInt(t)) === null, JSON.stringify(t)).toBe(parseTxn(t) !== null);
    }
    expect(() => parseRange(0, 65535)('65536')).toThrow(InvalidArgumentError);
    expect(thrown(() => parseRange(0, 65535)('65536'))).toBe('must be an integer from 0 to 65535.');
    expect(parseRange(0, 65535)('8080')).toBe(8080);
  });
});
