/**
 * The one preparation path (store/prepare.ts): a batch is prepared up to its first refused
 * transaction, which becomes the batch's error naming `txns[i]`; an error that is not ours
 * propagates; applying stops at the first coded failure and reports the earlier of the two; the
 * expectMaxSeq, commit-time and marker rules every backend shares.
 */
import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../model/errors';
import { hashData } from './hash';
import {
  MARKER,
  applyPrepared,
  checkExpectMaxSeq,
  commitTimeMs,
  prepareBatch,
  prepareBatchTxnAhead,
  prepareInvalidation,
  prepareTxn,
  storedEventOf,
} from './prepare';
import { metaOf, prepareMeta } from './meta';
import { isDryRun } from './write-options';

const ok = (topic: string, key = 'k'): unknown => ({ topic, events: [{ key, data: { b: 1, a: 2 } }] });

describe('prepareTxn', () => {
  it('canonicalises, hashes, fills the content type and flags tombstones', () => {
    const p = prepareTxn('t', {
      events: [
        { key: 'a', data: { b: 1, a: 2 } },
        { key: 'b', data: null },
      ],
    });
    expect(p).toEqual({
      topic: 't',
      expectMaxSeq: undefined,
      meta: null,
      by: null,
      events: [
        {
          key: 'a',
          data: '{"a":2,"b":1}',
          tomb: false,
          contentType: 'application/json',
          hash: hashData({ a: 2, b: 1 }),
          digest: hashData({ a: 2, b: 1 }),
        },
        {
          key: 'b',
          data: 'null',
          tomb: true,
          contentType: 'application/json',
          hash: hashData(null),
          digest: hashData(null),
        },
      ],
    });
  });
});

describe('meta, by and dry runs', () => {
  it('keeps meta as canonical JSON text within 4 KiB, naming meta when it is refused', () => {
    const p = prepareTxn('t', { events: [{ key: 'a', data: 1 }], meta: { b: 1, a: [true] }, by: 'ann' });
    expect([p.meta, p.by]).toEqual(['{"a":[true],"b":1}', 'ann']);
    expect(metaOf(p.meta)).toEqual({ a: [true], b: 1 });
    expect(metaOf(null)).toBeNull();
    expect(prepareMeta({ n: 'x'.repeat(4088) }, 'meta')).toHaveLength(4096);
    expect(() => prepareMeta({ n: 'x'.repeat(4089) }, 'meta')).toThrow(
      'meta: is 4097 bytes as canonical JSON; at most 4096 are allowed',
    );
    expect(() => prepareMeta([1] as never, 'txns[2].meta')).toThrow(/^txns\[2\]\.meta: must be a JSON object/);
    expect(() => prepareMeta({ n: 1n } as never, 'meta')).toThrow(/^meta/);
  });

  it('reads dry-run options strictly', () => {
    expect(isDryRun(undefined)).toBe(false);
    expect(isDryRun({})).toBe(false);
    expect(isDryRun({ dryRun: false })).toBe(false);
    expect(isDryRun({ dryRun: true })).toBe(true);
    expect(() => isDryRun({ dryRun: 'yes' } as never)).toThrow('options.dryRun: must be true or false');
    expect(() => isDryRun({ dry: true } as never)).toThrow('options.dry: unknown field');
  });
});

describe('prepareBatch', () => {
  it('prepares every transaction when all are valid', () => {
    const b = prepareBatch([ok('a'), ok('b')]);
    expect(b.error).toBeNull();
    expect(b.txns.map((t) => t.topic)).toEqual(['a', 'b']);
  });

  it('stops at the first refused transaction, naming it txns[i]', () => {
    const b = prepareBatch([ok('a'), { topic: 'b', events: [{ key: '', data: 1 }] }, ok('c')]);
    expect(b.txns.map((t) => t.topic)).toEqual(['a']);
    expect(b.error).toEqual({
      index: 1,
      status: 400,
      code: 'BAD_REQUEST',
      message: 'txns[1].events[0].key: must be a non-empty string of at most 1024 characters',
    });
  });

  it('refuses a batch that is not an array', () => {
    expect(() => prepareBatch({ txns: [] })).toThrow('txns: must be an array of transactions');
  });

  it('lets an error that is not ours propagate', () => {
    const hostile = Object.defineProperty({ topic: 't' }, 'events', {
      get: () => {
        throw new RangeError('getter');
      },
    });
    expect(() => prepareBatch([ok('a'), hostile])).toThrow(RangeError);
  });
});

describe('prepareBatchTxnAhead', () => {
  const lone = { topic: 'b', events: [{ key: 'k', data: { s: '\ud800' } }] };

  it('hands prepareBatch exactly what it would have prepared itself, `by` included', () => {
    const raw = [ok('a'), { topic: 'b', events: [{ key: 'x', data: [{ z: 1, y: null }], hash: 'f'.repeat(64) }] }];
    const ahead = raw.map((t, i) => prepareBatchTxnAhead(t, i, 'ann'));
    expect(ahead.map((a) => a.prepared)).toEqual([true, true]);
    const plain = prepareBatch(raw.map((t) => ({ ...(t as object), by: 'ann' })));
    expect(prepareBatch(ahead.map((a) => a.txn))).toEqual(plain);
    expect(plain.txns[1]!.events[0]!.data).toBe('[{"y":null,"z":1}]');
  });

  it('refuses what validateBatchTxn refuses, naming txns[i]', () => {
    expect(() => prepareBatchTxnAhead({ topic: 'b' }, 3, null)).toThrow('txns[3].events: must be an array');
  });

  it('leaves a transaction it cannot prepare to prepareBatch, which refuses it as before', () => {
    const a = prepareBatchTxnAhead(lone, 1, null);
    expect(a.prepared).toBe(false);
    const b = prepareBatch([prepareBatchTxnAhead(ok('a'), 0, null).txn, a.txn]);
    expect(b).toEqual(prepareBatch([ok('a'), lone]));
    expect(b.error?.index).toBe(1);
    expect(b.error?.message).toContain('txns[1].events[0].data');
  });

  it('is prepared again at another index, or as a copy of its fields', () => {
    const good = prepareBatchTxnAhead(ok('a'), 0, 'ann').txn;
    expect(prepareBatch([ok('z'), good]).txns[1]).toEqual(
      prepareBatch([{ ...(ok('a') as object), by: 'ann' }]).txns[0],
    );
    expect(prepareBatch([{ ...good, events: good.events, topic: 'c' }]).txns[0]!.topic).toBe('c');
    // Its events are read through it (they may be data the body reader left out): a spread
    // copy has none, and is refused rather than stored without its data.
    expect(prepareBatch([{ ...good }]).error?.message).toBe('txns[0].events: must be an array');
  });

  it('reads the data left out of the body through the transaction wherever it is not prepared ahead', () => {
    // The body reader left the data out (a placeholder 0) where it knew its canonical text.
    const known = { elides: true, at: (t: number, j: number) => (t === 0 && j === 0 ? '{"a":2,"b":1}' : undefined) };
    const sent = { topic: 'a', events: [{ key: 'k', data: { a: 2, b: 1 } }] };
    const meta = { note: 'x'.repeat(5000) };
    const big = prepareBatchTxnAhead({ topic: 'a', events: [{ key: 'k', data: 0 }], meta }, 0, null, known);
    expect(big.prepared).toBe(false);
    expect(big.txn.events[0]!.data).toEqual({ a: 2, b: 1 });
    // Put back once: a second access answers the same events, not a parse of its own.
    expect(big.txn.events).toBe(big.txn.events);
    expect(prepareBatch([big.txn])).toEqual(prepareBatch([{ ...sent, meta, by: null }]));
    const moved = prepareBatchTxnAhead({ topic: 'a', events: [{ key: 'k', data: 0 }] }, 0, null, known).txn;
    expect(prepareBatch([ok('z'), moved]).txns[1]).toEqual(prepareBatch([sent]).txns[0]);
    const tomb = prepareBatchTxnAhead({ topic: 'a', events: [{ key: 'k', data: 0 }] }, 0, null, {
      elides: true,
      at: () => 'null',
    });
    expect(prepareBatch([tomb.txn]).txns[0]!.events[0]).toMatchObject({ data: 'null', tomb: true });
  });

  it('uses the canonical texts it is given for event data', () => {
    const t = prepareBatchTxnAhead(ok('a'), 0, null, {
      at: (t, j) => (t === 0 && j === 0 ? '{"a":2,"b":1}' : undefined),
    });
    expect(prepareBatch([t.txn]).txns[0]!.events[0]).toMatchObject({
      data: '{"a":2,"b":1}',
      hash: hashData({ a: 2, b: 1 }),
    });
  });
});

describe('applyPrepared', () => {
  it('stops at the first coded failure, which wins over a later preparation error', () => {
    const batch = prepareBatch([ok('a'), ok('b'), ok('c'), { topic: 'd' }]);
    expect(batch.error).toMatchObject({ index: 3 });
    const seen: string[] = [];
    const res = applyPrepared(batch, (t) => {
      seen.push(t.topic);
      if (t.topic === 'b') checkExpectMaxSeq({ ...t, expectMaxSeq: 4 }, 2);
      return { txn: 1, results: [] };
    });
    expect(seen).toEqual(['a', 'b']);
    expect(res).toEqual({
      results: [{ txn: 1, results: [] }],
      error: { index: 1, status: 409, code: 'CONFLICT', message: 'expectMaxSeq: topic "b" is at seq 2, not 4' },
    });
  });

  it("reports the preparation's error after applying what was prepared, and rethrows storage failures", () => {
    const batch = prepareBatch([ok('a'), { topic: 'b' }]);
    expect(applyPrepared(batch, () => ({ txn: 1, results: [] }))).toMatchObject({
      results: [{ txn: 1 }],
      error: { index: 1, code: 'BAD_REQUEST' },
    });
    const disk = new Error('disk');
    expect(() =>
      applyPrepared(batch, () => {
        throw disk;
      }),
    ).toThrow(disk);
  });
});

describe('the shared rules', () => {
  it('checks expectMaxSeq only when given', () => {
    const t = prepareTxn('t', { events: [{ key: 'a', data: 1 }] });
    expect(() => checkExpectMaxSeq(t, 7)).not.toThrow();
    expect(() => checkExpectMaxSeq({ ...t, expectMaxSeq: 0 }, 0)).not.toThrow();
    expect(() => checkExpectMaxSeq({ ...t, expectMaxSeq: 0 }, 1)).toThrow(TidemarkError);
  });

  it('never lets commit times go backwards', () => {
    expect(commitTimeMs(1000, null)).toBe(1000);
    expect(commitTimeMs(1000, 900)).toBe(1000);
    expect(commitTimeMs(1000, 1500)).toBe(1500);
  });

  it('validates invalidations and fixes the marker', () => {
    expect(prepareInvalidation('t', 3, 'why')).toEqual({ topic: 't', target: 3, reason: 'why', by: null });
    expect(prepareInvalidation('t', 3, 'why', { by: 'ann' })).toEqual({
      topic: 't',
      target: 3,
      reason: 'why',
      by: 'ann',
    });
    expect(() => prepareInvalidation('t', 3, 'why', { by: '' })).toThrow(/^by:/);
    expect(() => prepareInvalidation('t', 0, 'why')).toThrow(/^txn:/);
    expect(() => prepareInvalidation('t', 1, '')).toThrow(/^reason:/);
    expect(MARKER).toEqual({
      key: '$invalidate',
      data: 'null',
      contentType: 'application/json',
      hash: hashData(null),
      digest: hashData(null),
    });
  });

  it('builds the stored shape of a prepared event', () => {
    const [e] = prepareTxn('t', { events: [{ key: 'a', data: [1, 'x'], contentType: 'text/x' }] }).events;
    expect(storedEventOf('t', 4, 2, e!, '2024-01-01T00:00:00.000Z')).toEqual({
      topic: 't',
      seq: 4,
      txn: 2,
      key: 'a',
      type: 'event',
      data: [1, 'x'],
      contentType: 'text/x',
      hash: hashData([1, 'x']),
      time: '2024-01-01T00:00:00.000Z',
    });
  });
});
