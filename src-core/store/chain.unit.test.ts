/** The hash chain's byte layout (docs/integrity.md): the exact text, a pinned value, and that every covered field changes the chain. */
import { describe, expect, it } from 'vitest';
import { hashCanonical } from './hash';
import {
  type ChainEvent,
  type ChainTxn,
  GENESIS,
  NULL_DIGEST,
  chainEventPart,
  chainOf,
  chainTxnPart,
  markerChainEvent,
} from './chain';

const txn: ChainTxn = { txn: 7, time: '2026-01-02T03:04:05.678Z', by: 'ann', meta: '{"a":1}' };
const event: ChainEvent = {
  seq: 12,
  key: 'ä/😀',
  type: 'event',
  hash: hashCanonical('{"x":1}'),
  digest: hashCanonical('{"x":1}'),
  contentType: 'application/json',
  target: null,
  reason: null,
};

describe('the chain layout (docs/integrity.md)', () => {
  it('writes netstrings of UTF-8 byte lengths, ~ for null, after the previous chain', () => {
    expect(chainTxnPart(GENESIS, txn)).toBe(
      `${GENESIS}1:7,24:2026-01-02T03:04:05.678Z,3:ann,64:${hashCanonical('{"a":1}')},`,
    );
    expect(chainTxnPart(GENESIS, { ...txn, by: null, meta: null })).toBe(
      `${GENESIS}1:7,24:2026-01-02T03:04:05.678Z,~64:${NULL_DIGEST},`,
    );
    // 'ä' is 2 bytes and '😀' 4: the key is 7 bytes.
    expect(chainEventPart(event)).toBe(
      `2:12,7:ä/😀,5:event,64:${event.hash},64:${event.digest},16:application/json,~~`,
    );
    expect(chainEventPart(markerChainEvent(13, 7, 'né'))).toBe(
      `2:13,11:$invalidate,10:invalidate,64:${NULL_DIGEST},64:${NULL_DIGEST},16:application/json,1:7,3:né,`,
    );
  });

  it('is SHA-256 of that text; a fixed vector pins it', () => {
    const text = chainTxnPart(GENESIS, txn) + chainEventPart(event);
    expect(chainOf(GENESIS, txn, [event])).toBe(hashCanonical(text));
    // The same vector is in docs/integrity.md (computed there with Python's hashlib).
    expect(chainOf(GENESIS, txn, [event])).toBe('60e305255d0bf0ec01d058cfa0047d6c1bcd0b7666321dac26b2a92457dea5cb');
  });

  it('changes when any covered field changes', () => {
    const base = chainOf(GENESIS, txn, [event]);
    const variants: string[] = [
      chainOf('1'.repeat(64), txn, [event]),
      chainOf(GENESIS, { ...txn, txn: 8 }, [event]),
      chainOf(GENESIS, { ...txn, time: '2026-01-02T03:04:05.679Z' }, [event]),
      chainOf(GENESIS, { ...txn, by: 'bob' }, [event]),
      chainOf(GENESIS, { ...txn, by: null }, [event]),
      chainOf(GENESIS, { ...txn, meta: '{"a":2}' }, [event]),
      chainOf(GENESIS, { ...txn, meta: null }, [event]),
      chainOf(GENESIS, txn, [{ ...event, seq: 13 }]),
      chainOf(GENESIS, txn, [{ ...event, key: 'ä/😁' }]),
      chainOf(GENESIS, txn, [{ ...event, type: 'invalidate' }]),
      chainOf(GENESIS, txn, [{ ...event, hash: 'f'.repeat(64) }]),
      chainOf(GENESIS, txn, [{ ...event, digest: hashCanonical('{"x":2}') }]),
      chainOf(GENESIS, txn, [{ ...event, contentType: 'text/plain' }]),
      chainOf(GENESIS, txn, [{ ...event, target: 3 }]),
      chainOf(GENESIS, txn, [{ ...event, reason: '' }]),
      chainOf(GENESIS, txn, [event, { ...event, seq: 13 }]),
      chainOf(GENESIS, txn, []),
    ];
    for (const v of variants) expect(v).not.toBe(base);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('cannot be fooled by moving bytes between fields (length prefixes)', () => {
    expect(chainOf(GENESIS, { ...txn, by: 'ab' }, [{ ...event, key: 'c' }])).not.toBe(
      chainOf(GENESIS, { ...txn, by: 'a' }, [{ ...event, key: 'bc' }]),
    );
  });
});
