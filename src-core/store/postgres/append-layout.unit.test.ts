/**
 * The client's byte layout of a set-based append's events (append-layout.ts) against chain.ts,
 * the layout's one home: for every event but the REPEATs, `chainEventPart` of a plain event at
 * the next seq, concatenated, as UTF-8, on keys and content types of every width of UTF-8 at the
 * longest lengths validation allows, and seqs up to the largest safe integer; and a transaction of
 * nothing but the widest events, which the buffer's size bound must hold.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../model/limits';
import { chainEventPart } from '../chain';
import { prepareTxn } from '../prepare';
import { eventFlags } from './append-fn';
import { eventsLayout } from './append-layout';
import { REPEAT } from './append-fn-sql';

function expected(p: ReturnType<typeof prepareTxn>, base: number): Buffer {
  const flags = eventFlags(p);
  let seq = base;
  let text = '';
  p.events.forEach((e, i) => {
    if ((flags[i]! & REPEAT) !== 0) return;
    text += chainEventPart({
      seq: ++seq,
      key: e.key,
      type: 'event',
      hash: e.hash,
      digest: e.digest,
      contentType: e.contentType,
      target: null,
      reason: null,
    });
  });
  return Buffer.from(text, 'utf8');
}

describe('set-based append: the events layout written as bytes', () => {
  const keys = [
    'k1',
    'ключ',
    '鍵',
    '😀 astral 𝄞',
    'tab\tnl\nq"b\\',
    '5:event,',
    'sep\u001e,{}"',
    'x'.repeat(LIMITS.keyMax),
    '鍵'.repeat(LIMITS.keyMax),
    '😀'.repeat(LIMITS.keyMax / 2),
  ];
  const cts = [undefined, 'text/plain; charset=ütf-8 😀', '鍵'.repeat(LIMITS.contentTypeMax)];
  const events = keys.flatMap((key, i) => [
    { key, data: { i }, contentType: cts[i % cts.length] },
    // A repeat of the same event (left out of the layout), then a tombstone and a writer's hash.
    { key, data: { i }, contentType: cts[i % cts.length] },
    { key, data: null },
    { key: `h-${i}`, data: { i }, hash: (i % 16).toString(16).repeat(64) },
  ]);

  it.each([0, 9, 99_999, 2 ** 40, Number.MAX_SAFE_INTEGER - events.length])(
    'equals chain.ts byte for byte after max_seq %d',
    (base) => {
      const p = prepareTxn('t', { events });
      expect(eventsLayout(p, eventFlags(p), base)!.equals(expected(p, base))).toBe(true);
    },
  );

  it('has room for every event at its widest (the longest three-byte keys, 16-digit seqs)', () => {
    const wide = Array.from({ length: 50 }, (_, i) => ({
      key: '鍵'.repeat(LIMITS.keyMax - 1) + String.fromCharCode(0x4e00 + i),
      data: { i },
    }));
    const p = prepareTxn('t', { events: wide });
    const base = Number.MAX_SAFE_INTEGER - wide.length;
    expect(eventsLayout(p, eventFlags(p), base)!.equals(expected(p, base))).toBe(true);
  });
});
