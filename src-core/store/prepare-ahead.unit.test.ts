/**
 * `prepareBatchTxnAhead`'s quick check (model/validate.ts `commonBatchTxn`): a transaction of the common
 * shape is taken without the copies and error paths of `validateBatchTxn`; everything else goes
 * through it. Over transactions that differ from a valid one in one field each (valid, invalid,
 * and at every limit), the answer must be the one `validateBatchTxn` and `prepareBatch` give: the
 * same refusal, the same prepared batch, the same fields and event copies read back.
 */
import { describe, expect, it } from 'vitest';
import { validateBatchTxn } from '../model/validate';
import { aheadSlices, prepareBatch, prepareBatchTxnAhead } from './prepare';

const event = { key: 'k', data: { b: 1, a: 2 } };
const txn = { topic: 'a', events: [event] };

/** One field of the transaction (or of its first event) replaced, or removed with `undefined`. */
const withTxn = (field: string, v: unknown): unknown => ({ ...txn, [field]: v });
const withEvent = (field: string, v: unknown): unknown => ({ ...txn, events: [{ ...event, [field]: v }] });

const variants: [string, unknown][] = [
  ['valid', txn],
  ['not an object', [txn]],
  ['null', null],
  ['no topic', withTxn('topic', undefined)],
  ['bad topic', withTxn('topic', '-a')],
  ['topic a number', withTxn('topic', 5)],
  ['long topic', withTxn('topic', 'a'.repeat(201))],
  ['longest topic', withTxn('topic', 'a'.repeat(200))],
  ['no events', withTxn('events', [])],
  ['events not an array', withTxn('events', { 0: event })],
  ['too many events', withTxn('events', new Array(10_001).fill(event))],
  ['most events', withTxn('events', new Array(10_000).fill(event))],
  ['event an array', withTxn('events', [[event]])],
  ['event null', withTxn('events', [null])],
  ['two events, the second bad', withTxn('events', [event, { key: '' }])],
  ['extra event field', withEvent('foo', 1)],
  ['empty key', withEvent('key', '')],
  ['key a number', withEvent('key', 7)],
  ['reserved key', withEvent('key', '$invalidate')],
  ['longest key', withEvent('key', 'k'.repeat(1024))],
  ['long key', withEvent('key', 'k'.repeat(1025))],
  ['key with NUL', withEvent('key', 'a\u0000b')],
  ['key with a lone surrogate', withEvent('key', 'a\ud800')],
  ['key with a pair', withEvent('key', 'a\ud83d\ude00')],
  ['no data', { ...txn, events: [{ key: 'k' }] }],
  ['data undefined', withEvent('data', undefined)],
  ['data null (tombstone)', withEvent('data', null)],
  ['data unstorable', withEvent('data', { s: '\ud800' })],
  ['content type', withEvent('contentType', 'text/plain')],
  ['content type empty', withEvent('contentType', '')],
  ['content type null', withEvent('contentType', null)],
  ['content type a number', withEvent('contentType', 5)],
  ['longest content type', withEvent('contentType', 'c'.repeat(200))],
  ['long content type', withEvent('contentType', 'c'.repeat(201))],
  ['content type with NUL', withEvent('contentType', 'a\u0000')],
  ['hash', withEvent('hash', 'f'.repeat(64))],
  ['hash upper case', withEvent('hash', 'F'.repeat(64))],
  ['hash short', withEvent('hash', 'f'.repeat(63))],
  ['hash null', withEvent('hash', null)],
  ['expectMaxSeq 0', withTxn('expectMaxSeq', 0)],
  ['expectMaxSeq 7', withTxn('expectMaxSeq', 7)],
  ['expectMaxSeq null', withTxn('expectMaxSeq', null)],
  ['expectMaxSeq -1', withTxn('expectMaxSeq', -1)],
  ['expectMaxSeq 1.5', withTxn('expectMaxSeq', 1.5)],
  ['expectMaxSeq 2^53', withTxn('expectMaxSeq', 2 ** 53)],
  ['expectMaxSeq a string', withTxn('expectMaxSeq', '3')],
  ['meta null', withTxn('meta', null)],
  ['meta', withTxn('meta', { note: 'n' })],
  ['meta too big', withTxn('meta', { note: 'x'.repeat(5000) })],
  ['meta a string', withTxn('meta', 'x')],
  ['by null', withTxn('by', null)],
  ['by', withTxn('by', 'bob')],
  ['by a number', withTxn('by', 3)],
];

/** What the call did: its refusal's message, or its value. */
function outcome<T>(f: () => T): { threw: string } | { value: T } {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: e instanceof Error ? e.message : String(e) };
  }
}

describe('prepareBatchTxnAhead, quick check', () => {
  for (const by of [null, 'ann']) {
    it.each(variants)(`answers as validateBatchTxn and prepareBatch: %s (by ${by})`, (_name, raw) => {
      const ahead = outcome(() => prepareBatchTxnAhead(raw, 2, by));
      const checked = outcome(() => validateBatchTxn(raw, 2));
      if ('threw' in checked) {
        expect(ahead).toEqual(checked);
        return;
      }
      if (!('value' in ahead)) throw new Error(`refused: ${ahead.threw}`);
      const t = ahead.value.txn;
      const expected = { ...checked.value, by };
      // Its fields and its events read back as validateBatchTxn's copies (extra fields dropped).
      expect({ topic: t.topic, events: t.events, expectMaxSeq: t.expectMaxSeq, meta: t.meta, by: t.by }).toEqual({
        expectMaxSeq: undefined,
        meta: undefined,
        ...expected,
      });
      const sent = (raw as { events: unknown[] }).events;
      t.events.forEach((e, k) => expect(e).not.toBe(sent[k]));
      // Prepared at its index, at another, or not at all: as prepareBatch prepares the plain copy.
      const pad = [
        { topic: 'z', events: [event] },
        { topic: 'y', events: [event] },
      ];
      expect(prepareBatch([...pad, t])).toEqual(prepareBatch([...pad, expected]));
      const again = prepareBatchTxnAhead(raw, 2, by).txn;
      expect(prepareBatch([pad[0], again])).toEqual(prepareBatch([pad[0], expected]));
      expect(ahead.value.prepared).toBe(prepareBatch([...pad, expected]).error === null);
    });
  }
});

describe('aheadSlices', () => {
  const ahead = (events: number, i: number): ReturnType<typeof prepareBatchTxnAhead>['txn'] =>
    prepareBatchTxnAhead({ topic: 'a', events: new Array(events).fill(event) }, i, null).txn;

  it('cuts a batch at most `maxEvents` events a slice (a larger transaction alone), each taken prepared at its place', () => {
    const sizes = [3, 4, 2, 9, 1, 1, 5];
    const txns = sizes.map((n, i) => ahead(n, i));
    const whole = prepareBatch(txns).txns;
    const slices = aheadSlices(txns, 8);
    expect(slices?.map((s) => [s.from, s.txns.length])).toEqual([
      [0, 2],
      [2, 1],
      [3, 1],
      [4, 3],
    ]);
    // Over each slice, prepareBatch takes the forms prepared ahead (the same objects), not new ones.
    for (const s of slices!) {
      const got = prepareBatch(s.txns).txns;
      got.forEach((p, k) => expect(p).toBe(whole[s.from + k]));
    }
  });

  it('is null when a transaction was not prepared ahead, and then moves nothing', () => {
    const bad = prepareBatchTxnAhead({ topic: 'a', events: [{ key: 'k', data: { s: '\ud800' } }] }, 1, null);
    expect(bad.prepared).toBe(false);
    const txns = [ahead(1, 0), bad.txn, ahead(1, 2)];
    expect(aheadSlices(txns, 1)).toBeNull();
    expect(aheadSlices([ahead(1, 0), { topic: 'a', events: [event] }], 1)).toBeNull();
    // Still at their own places: the whole batch is taken as prepared.
    const prepared = prepareBatch(txns);
    expect(prepared.txns).toHaveLength(1);
    expect(prepared.error?.index).toBe(1);
  });
});
