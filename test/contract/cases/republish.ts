/**
 * Contract cases for re-publishing an invalidated transaction (src-core/services/republish.ts),
 * through `servicesFor(store)`, so every backend runs it: the generic code over SQLite,
 * PostgreSQL and the memory store, the server's routes over the HTTP client. Keys changed by later
 * transactions are skipped and listed with why; for the other keys the surface after the re-publish
 * is the surface before the invalidation; the new transaction carries meta.republishOf (and the
 * note) and `by`; a stale expectMaxSeq is a CONFLICT and writes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src-core/model/types';
import { servicesFor } from '../../../src-core/services/index';
import { type StoreFixture, expectCode, freshTopic, surfaceAll } from '../harness';

const dataByKey = (rows: { key: string; data: JsonValue }[]): Record<string, JsonValue> =>
  Object.fromEntries(rows.map((r) => [r.key, r.data]));

export function republishCases(fx: StoreFixture): void {
  describe('re-publish an invalidated transaction', () => {
    /** txn 1 sets a-d; txn 2 changes a, b, tombstones c, adds e; txn 3 changes b; txn 2 invalidated (txn 4). */
    async function history(t: string): Promise<Record<string, JsonValue>> {
      const s = fx.store;
      await s.append(t, {
        events: [
          { key: 'a', data: 1 },
          { key: 'b', data: 1 },
          { key: 'c', data: 1 },
          { key: 'd', data: 1 },
        ],
      });
      await s.append(t, {
        events: [
          { key: 'a', data: 'x' },
          { key: 'a', data: 2 },
          { key: 'b', data: 2 },
          { key: 'c', data: null },
          { key: 'e', data: { n: 2 }, contentType: 'application/x-e' },
        ],
      });
      await s.append(t, { events: [{ key: 'b', data: 3 }] });
      const before = dataByKey(await surfaceAll(s, t));
      await s.invalidate(t, 2, 'mistake');
      return before;
    }

    it('previews what it writes and skips, and the surface comes back for the keys not changed later', async () => {
      const t = freshTopic();
      const services = servicesFor(fx.store);
      const beforeInvalidation = await history(t);
      expect(beforeInvalidation).toEqual({ a: 2, b: 3, d: 1, e: { n: 2 } });
      expect(dataByKey(await surfaceAll(fx.store, t))).toEqual({ a: 1, b: 3, c: 1, d: 1 });

      const preview = await services.previewRepublish(t, 2);
      expect(preview).toMatchObject({
        topic: t,
        txn: 2,
        keysTouched: 4,
        writes: 3,
        skips: 1,
        truncated: false,
        asOf: { maxSeq: 11, maxTxn: 4 },
      });
      expect(preview.rows.map((r) => [r.key, r.before?.data ?? null, r.after?.data ?? null])).toEqual([
        ['a', 1, 2],
        ['c', 1, null],
        ['e', null, { n: 2 }],
      ]);
      expect(preview.skipped.map((r) => [r.key, r.reason, r.current?.txn])).toEqual([['b', 'changedLater', 3]]);
      // A preview writes nothing.
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(11);

      const by = fx.store.kind === 'http' ? undefined : 'ana';
      const res = await services.republish(t, 2, {
        note: 'undo the mistaken invalidation',
        expectMaxSeq: preview.asOf.maxSeq,
        ...(by !== undefined ? { by } : {}),
      });
      expect(res).toEqual({ topic: t, target: 2, txn: 5, written: 3, skipped: 1 });
      const info = await fx.store.getTxn(t, 5);
      expect(info.meta).toEqual({ note: 'undo the mistaken invalidation', republishOf: 2 });
      expect(info.by).toBe(by ?? null);
      expect(info.events.map((e) => [e.key, e.data, e.contentType])).toEqual([
        ['a', 2, 'application/json'],
        ['c', null, 'application/json'],
        ['e', { n: 2 }, 'application/x-e'],
      ]);
      // Every key but b is as it was before the invalidation; b keeps the later write.
      expect(dataByKey(await surfaceAll(fx.store, t))).toEqual(beforeInvalidation);
      // Nothing is left to re-publish: a second one writes nothing.
      const again = await services.previewRepublish(t, 2);
      expect(again).toMatchObject({ writes: 0, skips: 4 });
      expect(again.skipped.map((r) => [r.key, r.reason])).toEqual([
        ['a', 'changedLater'],
        ['b', 'changedLater'],
        ['c', 'changedLater'],
        ['e', 'changedLater'],
      ]);
      expect(await services.republish(t, 2)).toEqual({ topic: t, target: 2, txn: null, written: 0, skipped: 4 });
    });

    it('refuses a stale expectMaxSeq with CONFLICT and writes nothing', async () => {
      const t = freshTopic();
      const services = servicesFor(fx.store);
      await history(t);
      const preview = await services.previewRepublish(t, 2);
      await fx.store.append(t, { events: [{ key: 'z', data: 1 }] });
      const maxSeq = (await fx.store.topicInfo(t)).maxSeq;
      await expectCode(
        services.republish(t, 2, { expectMaxSeq: preview.asOf.maxSeq }),
        'CONFLICT',
        /the topic moved on since the preview.*preview again/,
      );
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(maxSeq);
    });

    it('refuses a transaction that is not invalidated, a marker and an unknown one', async () => {
      const t = freshTopic();
      const services = servicesFor(fx.store);
      await history(t);
      await expectCode(services.previewRepublish(t, 1), 'BAD_REQUEST', /^txn: transaction 1 is not invalidated/);
      await expectCode(services.republish(t, 3), 'BAD_REQUEST', /^txn: transaction 3 is not invalidated/);
      await expectCode(services.republish(t, 4), 'BAD_REQUEST', /^txn: transaction 4 is an invalidation marker/);
      await expectCode(services.previewRepublish(t, 99), 'NOT_FOUND');
      expect((await fx.store.topicInfo(t)).maxSeq).toBe(11);
    });

    it('lists at most limit rows of each kind and says it truncated', async () => {
      const t = freshTopic();
      const services = servicesFor(fx.store);
      await history(t);
      const preview = await services.previewRepublish(t, 2, 1);
      expect(preview.rows.map((r) => r.key)).toEqual(['a']);
      expect(preview).toMatchObject({ writes: 3, skips: 1, truncated: true });
    });

    it('over HTTP refuses by (the server sets it); embedded stores store it', async () => {
      const t = freshTopic();
      const services = servicesFor(fx.store);
      await history(t);
      if (fx.store.kind === 'http') {
        await expectCode(services.republish(t, 2, { by: 'ana' }), 'BAD_REQUEST', /^by: is set by the server/);
        expect((await fx.store.topicInfo(t)).maxSeq).toBe(11);
      } else {
        await services.republish(t, 2, { by: 'ana' });
        expect((await fx.store.getTxn(t, 5)).by).toBe('ana');
      }
    });
  });
}
