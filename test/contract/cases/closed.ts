/**
 * Contract case for a closed store: every call answers UNAVAILABLE saying the store is closed (a
 * promise rejects; `subscribe` and `tail` throw at once), a tail that was running when the store
 * closed delivers and reports nothing more, and closing again is harmless. (That SQLite, PostgreSQL
 * and the memory store use the very same words is checked in test/postgres/same-answers.)
 */
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src-core/model/types';
import { type StoreFixture, expectCode, freshTopic, waitFor } from '../harness';

export function closedCases(fx: StoreFixture): void {
  describe('a closed store', () => {
    it('answers UNAVAILABLE to every call, stops its tails, and closes again harmlessly', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      const seen: StoredEvent[] = [];
      const errors: unknown[] = [];
      const stop = fx.store.tail(t, 0, (events) => seen.push(...events), {
        pollMs: 20,
        onError: (err) => errors.push(err),
      });
      await waitFor(() => expect(seen.map((e) => e.seq)).toEqual([1]));
      await fx.store.close();
      const closed = /closed/;
      await expectCode(fx.store.listTopics(), 'UNAVAILABLE', closed);
      await expectCode(fx.store.topicInfo(t), 'UNAVAILABLE', closed);
      await expectCode(fx.store.append(t, { events: [{ key: 'b', data: 1 }] }), 'UNAVAILABLE', closed);
      await expectCode(fx.store.appendBatch([{ topic: t, events: [{ key: 'b', data: 1 }] }]), 'UNAVAILABLE', closed);
      await expectCode(fx.store.readEvents(t), 'UNAVAILABLE', closed);
      await expectCode(fx.store.listTxns(t), 'UNAVAILABLE', closed);
      await expectCode(fx.store.getTxn(t, 1), 'UNAVAILABLE', closed);
      await expectCode(fx.store.invalidate(t, 1, 'x'), 'UNAVAILABLE', closed);
      await expectCode(fx.store.surface(t), 'UNAVAILABLE', closed);
      const unavailable = expect.objectContaining({ code: 'UNAVAILABLE' }) as Error;
      expect(() => fx.store.subscribe(t, () => undefined)).toThrow(unavailable);
      expect(() => fx.store.tail(t, 0, () => undefined)).toThrow(unavailable);
      await new Promise((r) => setTimeout(r, 100));
      expect(errors).toEqual([]);
      expect(seen.map((e) => e.seq)).toEqual([1]);
      stop();
      await fx.store.close();
    });
  });
}
