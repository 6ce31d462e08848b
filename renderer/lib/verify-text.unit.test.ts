/** The app's verify sentences (verify-text.ts): a success, a failure at a transaction and one without, progress. */
import { describe, expect, it } from 'vitest';
import { verifyHeadline, verifyProgressText } from './verify-text';

const base = { txns: 4210, events: 1_000_000, legacy: [], legacyCut: false };

describe('verify text', () => {
  it('says what was verified and the head', () => {
    expect(verifyHeadline({ ...base, ok: true, head: '9f2c'.padEnd(64, '0'), firstBad: null })).toBe(
      'Verified 1,000,000 events in 4,210 transactions; head 9f2c…',
    );
    expect(verifyHeadline({ ...base, txns: 1, events: 1, ok: true, head: 'ab'.repeat(32), firstBad: null })).toBe(
      'Verified 1 event in 1 transaction; head abab…',
    );
  });

  it('names the transaction and what failed', () => {
    const r = { ...base, ok: false, head: null, firstBad: { txn: 17, what: 'data' as const, message: 'm' } };
    expect(verifyHeadline(r)).toBe(
      'Verification failed at transaction 17: an event’s data was changed (data). Checked 1,000,000 events in 4,210 transactions before it.',
    );
    const anchor = { ...r, firstBad: { txn: null, what: 'anchor' as const, message: 'm' } };
    expect(verifyHeadline(anchor)).toContain('Verification failed: the expected head is not in the log (anchor)');
  });

  it('counts progress in transactions', () => {
    expect(verifyProgressText(null)).toBe('Verifying…');
    expect(verifyProgressText({ done: 1000, total: 4210, unit: 'txns', phase: 'verifying' })).toBe(
      'Verifying: 1,000 of 4,210 transactions',
    );
  });
});
