/**
 * Unit tests of model/compare-text.ts: the sentence the CLI's table and the app show for each
 * kind of topic comparison, with counts grouped and singular/plural right.
 */
import { describe, expect, it } from 'vitest';
import { describeComparison } from './compare-text';
import type { TopicComparison } from './integrity';
import type { TxnInfo } from './types';

const side = { maxTxn: 5, head: 'a'.repeat(64) };
const base: TopicComparison = {
  topic: 't',
  result: 'equal',
  from: side,
  to: side,
  side: null,
  aheadBy: 0,
  common: 5,
  firstDiff: null,
  reads: { from: 0, to: 0 },
};
const txn = { txn: 4000 } as TxnInfo;

describe('describeComparison', () => {
  it('says each result in words', () => {
    expect(describeComparison(base)).toBe(`equal: 5 transactions, head ${'a'.repeat(64)}`);
    expect(describeComparison({ ...base, result: 'missing', to: null, side: 'to', common: 0 })).toBe(
      'the to store has no transaction of this topic',
    );
    expect(describeComparison({ ...base, result: 'missing', from: null, to: null, side: 'both', common: 0 })).toBe(
      'neither store has this topic',
    );
    expect(describeComparison({ ...base, result: 'prefix', side: 'from', aheadBy: 1, common: 1234 })).toBe(
      'the from store is ahead by 1 transaction; the first 1,234 transactions are equal',
    );
    expect(
      describeComparison({ ...base, result: 'diverged', common: 3999, firstDiff: { txn: 4000, from: txn, to: txn } }),
    ).toBe('the logs differ from transaction 4000 on; the first 3,999 transactions are equal');
  });
});
