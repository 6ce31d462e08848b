/**
 * The hash chain's byte layout (docs/integrity.md): the exact text, a pinned value, that every
 * covered field changes the chain, and that chain-one.ts's byte writer gives the chain of the text.
 */
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
import { chainOfOneEvent } from './chain-one';

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

  it('of a one-event transaction (chainOfOneEvent, written as bytes) is that of its text, every field and fallback', () => {
    // The text as the layout defines it, hashed as a string: independent of how chainOfOneEvent writes it.
    const reference = (prev: string, t: ChainTxn, seq: number, key: string, ct: string): string =>
      hashCanonical(
        chainTxnPart(prev, t) +
          chainEventPart({ ...event, seq, key, contentType: ct, hash: event.hash, digest: NULL_DIGEST }),
      );
    const prevs = [GENESIS, 'a'.repeat(64), 'ä'.repeat(64), 'b'.repeat(63), `${'c'.repeat(63)}é`];
    const txns = [
      0,
      1,
      9,
      10,
      99,
      100,
      999_999_999,
      1_000_000_000,
      2 ** 31,
      999_999_999_999_999,
      Number.MAX_SAFE_INTEGER,
    ];
    const times = ['2026-01-02T03:04:05.678Z', '+275760-09-13T00:00:00.000Z', '2026-01-02T03:04:05.679Z', 'tïme'];
    const bys = [null, 'a', 'ann', 'x'.repeat(9), 'y'.repeat(10), 'z'.repeat(200), 'zoë', '😀'];
    const metas = [null, '{"a":1}', '{"note":"é"}'];
    const keys = ['k', 'T-0000042', 'k'.repeat(99), 'k'.repeat(100), 'q'.repeat(1024), 'ä/😀', 'key\u0000x', '\u007f'];
    const cts = ['application/json', 'text/plain', 'c'.repeat(200), 'täxt/plain'];
    let checked = 0;
    let prev = GENESIS;
    for (let i = 0; i < 400; i++) {
      // Every list walked at a different stride; now and then the previous chain as `prev`.
      const p = i % 7 === 0 ? prev : prevs[i % prevs.length]!;
      const t: ChainTxn = {
        txn: txns[i % txns.length]!,
        time: times[Math.floor(i / 3) % times.length]!,
        by: bys[i % bys.length]!,
        meta: metas[Math.floor(i / 2) % metas.length]!,
      };
      const seq = txns[(i * 5 + 3) % txns.length]!;
      const key = keys[(i * 3) % keys.length]!;
      const ct = cts[Math.floor(i / 5) % cts.length]!;
      const got = chainOfOneEvent(p, t.txn, t.time, t.by, t.meta, seq, key, event.hash, NULL_DIGEST, ct);
      expect(got).toBe(reference(p, t, seq, key, ct));
      prev = got;
      checked++;
    }
    expect(checked).toBe(400);
    // The fixed vector above, through the one-event path.
    const { txn: n, time, by, meta } = txn;
    expect(
      chainOfOneEvent(GENESIS, n, time, by, meta, event.seq, event.key, event.hash, event.digest, event.contentType),
    ).toBe('60e305255d0bf0ec01d058cfa0047d6c1bcd0b7666321dac26b2a92457dea5cb');
  });
});
