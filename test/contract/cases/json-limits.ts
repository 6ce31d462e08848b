/**
 * Contract cases for the limits on event data (docs/engine.md "JSON values from embedded
 * callers"), which every backend applies alike: at most `LIMITS.jsonDepthMax` levels of arrays and
 * objects (a value 100,000 levels deep, or one containing itself, is a BAD_REQUEST, never a stack
 * overflow), numbers within ±(2^53 - 1), and in a batch the transaction holding such data fails
 * with its index while the ones before it commit. A refused write creates nothing.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src-core/model/limits';
import type { JsonValue } from '../../../src-core/model/types';
import { type StoreFixture, expectCode, freshTopic, readAll } from '../harness';

/** `n` nested one-element arrays around 1, built without recursion. */
function nested(n: number): JsonValue {
  let v: JsonValue = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

export function jsonLimitCases(fx: StoreFixture): void {
  describe('limits on event data', () => {
    const MAX = LIMITS.jsonDepthMax;

    it(`stores data ${MAX} levels deep and refuses one level more, naming the field`, async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: nested(MAX) }] });
      expect((await readAll(fx.store, t))[0]!.data).toEqual(nested(MAX));
      const before = await fx.store.topicInfo(t);
      await expectCode(
        fx.store.append(t, {
          events: [
            { key: 'a', data: 1 },
            { key: 'b', data: { x: nested(MAX) } },
          ],
        }),
        'BAD_REQUEST',
        new RegExp(`events\\[1\\]\\.data\\.x(\\[0\\])+.*: nesting deeper than ${MAX} levels`),
      );
      expect(await fx.store.topicInfo(t)).toEqual(before);
    });

    it('refuses data 100,000 levels deep and data that contains itself, creating nothing', async () => {
      const t = freshTopic();
      await expectCode(
        fx.store.append(t, { events: [{ key: 'a', data: nested(100_000) }] }),
        'BAD_REQUEST',
        /nesting deeper/,
      );
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      await expectCode(
        fx.store.append(t, { events: [{ key: 'a', data: cycle as JsonValue }] }),
        'BAD_REQUEST',
        /events\[0\]\.data\.self.*: nesting deeper/,
      );
      await expectCode(fx.store.topicInfo(t), 'NOT_FOUND');
    });

    it('stores numbers within ±(2^53 - 1) exactly and refuses larger ones, naming the field', async () => {
      const t = freshTopic();
      const ok = [2 ** 53 - 1, -(2 ** 53 - 1), 0.1, 1.5e-300, -0.5];
      await fx.store.append(t, { events: [{ key: 'a', data: ok }] });
      expect((await readAll(fx.store, t))[0]!.data).toEqual(ok);
      for (const n of [2 ** 53, -(2 ** 53), 1e300]) {
        await expectCode(
          fx.store.append(t, { events: [{ key: 'b', data: { id: n } }] }),
          'BAD_REQUEST',
          /events\[0\]\.data\.id: number .* is beyond ±9007199254740991 \(2\^53 - 1\) and cannot be carried exactly/,
        );
      }
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(1);
    });

    it('in a batch, the transaction holding such data fails with its index; earlier ones commit', async () => {
      const t = freshTopic();
      const res = await fx.store.appendBatch([
        { topic: t, events: [{ key: 'a', data: 1 }] },
        { topic: t, events: [{ key: 'b', data: nested(10_000) }] },
        { topic: t, events: [{ key: 'c', data: 1 }] },
      ]);
      expect(res.results.map((r) => r.txn)).toEqual([1]);
      expect(res.error).toMatchObject({ index: 1, status: 400, code: 'BAD_REQUEST' });
      expect(res.error!.message).toMatch(/events\[0\]\.data(\[0\])+.*: nesting deeper/);
      expect((await readAll(fx.store, t)).map((e) => e.key)).toEqual(['a']);
    });
  });
}
