/**
 * The app reads transaction numbers by the one rule of src-core/model/parse.ts: a typed txn (the
 * Events and Transactions boxes; spaces around it ignored) and the `?txn=` of its URL accept and
 * refuse exactly the texts the rule does.
 */
import { describe, expect, it } from 'vitest';
import { parseTxn } from '../../src-core/model/parse';
import { INTEGER_TEXTS } from '../../test/integer-texts';
import { parseRoute } from './route';
import { parseTxnInput } from './txn-input';

describe('transaction numbers in the app', () => {
  it('a typed txn (spaces around ignored) and the ?txn= of the URL', () => {
    for (const t of INTEGER_TEXTS) {
      const want = parseTxn(t.trim());
      expect(parseTxnInput(t), JSON.stringify(t)).toBe(t.trim() === '' ? undefined : (want ?? 'bad'));
      const route = parseRoute(`#/topic/x/txns?txn=${encodeURIComponent(t)}`);
      expect(route, JSON.stringify(t)).toEqual(
        parseTxn(t) === null
          ? { screen: 'topic', topic: 'x', tab: 'txns' }
          : { screen: 'topic', topic: 'x', tab: 'txns', txn: parseTxn(t) },
      );
    }
  });
});
