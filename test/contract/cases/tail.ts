/**
 * Contract cases for `tail` (the live tail on the interface): the backlog after `after` in pages,
 * then live commits, markers included, exactly as the log holds them; an empty topic waited for;
 * gap-free and in order across many concurrent appends and batches; a consumer that throws is
 * reported to `onError` with the count of consecutive failures and offered the same events again;
 * stopping (also from inside `onEvents`, and twice) ends delivery; a bad topic or start is refused
 * at once. Fair to a remote store: every check awaits delivery (`waitFor`), none measures time.
 */
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src-core/model/types';
import type { Unsubscribe } from '../../../src-core/store/types';
import { type StoreFixture, freshTopic, readAll, waitFor } from '../harness';

function seqs(events: StoredEvent[]): number[] {
  return events.map((e) => e.seq);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Gives a backend the chance to (wrongly) deliver more: a round trip, then a short pause. */
async function settle(fx: StoreFixture, topic: string): Promise<void> {
  await fx.store.readEvents(topic, { limit: 1 });
  await new Promise((r) => setTimeout(r, 100));
}

export function tailCases(fx: StoreFixture): void {
  describe('tail', () => {
    it('delivers the backlog after `after` in pages, then live commits, as the log holds them', async () => {
      const t = freshTopic();
      for (let i = 0; i < 25; i++) {
        await fx.store.append(t, { events: Array.from({ length: 4 }, (_, j) => ({ key: `k${j}`, data: i })) });
      }
      const seen: StoredEvent[] = [];
      const stop = fx.store.tail(t, 37, (events) => seen.push(...events), { pageSize: 7, pollMs: 20 });
      try {
        await waitFor(() => expect(seqs(seen)).toEqual(range(38, 100)));
        await fx.store.append(t, { events: [{ key: 'live', data: { n: 1 } }] });
        await fx.store.invalidate(t, 3, 'late');
        await waitFor(() => expect(seqs(seen)).toEqual(range(38, 102)));
        expect(seen[seen.length - 1]).toMatchObject({ type: 'invalidate', target: 3, reason: 'late', data: null });
        expect(seen).toEqual((await readAll(fx.store, t)).slice(37));
      } finally {
        stop();
      }
    });

    it('waits for the first event of a topic nobody has written yet', async () => {
      const t = freshTopic();
      const seen: StoredEvent[] = [];
      const stop = fx.store.tail(t, 0, (events) => seen.push(...events), { pollMs: 20 });
      try {
        await settle(fx, t);
        expect(seen).toEqual([]);
        await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
        await waitFor(() => expect(seqs(seen)).toEqual([1]));
        expect(seen[0]).toMatchObject({ topic: t, key: 'a', data: 1, txn: 1 });
      } finally {
        stop();
      }
    });

    it('is gap-free and in order across many concurrent appends and batches', async () => {
      const t = freshTopic();
      const seen: StoredEvent[] = [];
      const stop = fx.store.tail(t, 0, (events) => seen.push(...events), { pageSize: 50, pollMs: 20 });
      try {
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < 60; i++) {
          const events = Array.from({ length: 1 + (i % 3) }, (_, j) => ({ key: `k${(i * 7 + j) % 13}`, data: i }));
          writes.push(
            i % 4 === 0
              ? fx.store.appendBatch([
                  { topic: t, events },
                  { topic: t, events: [{ key: `b${i}`, data: i }] },
                ])
              : fx.store.append(t, { events }),
          );
        }
        await Promise.all(writes);
        const { maxSeq } = await fx.store.topicInfo(t);
        await waitFor(() => expect(seqs(seen)).toEqual(range(1, maxSeq)));
        expect(seen).toEqual(await readAll(fx.store, t));
      } finally {
        stop();
      }
    });

    it('reports a consumer that throws with a count of consecutive failures, and offers the same events again', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      const seen: StoredEvent[] = [];
      const failures: [string, number][] = [];
      let refuse = 2;
      const stop = fx.store.tail(
        t,
        0,
        (events) => {
          if (refuse > 0) {
            refuse--;
            throw new Error('consumer failed');
          }
          seen.push(...events);
        },
        { pollMs: 20, onError: (err, n) => failures.push([(err as Error).message, n]) },
      );
      try {
        await waitFor(() => expect(seqs(seen)).toEqual([1]));
        expect(failures).toEqual([
          ['consumer failed', 1],
          ['consumer failed', 2],
        ]);
        // A success resets the count: the next failure is the first again.
        refuse = 1;
        await fx.store.append(t, { events: [{ key: 'b', data: 2 }] });
        await waitFor(() => expect(seqs(seen)).toEqual([1, 2]));
        expect(failures.map(([, n]) => n)).toEqual([1, 2, 1]);
      } finally {
        stop();
      }
    });

    it('stops delivering once stopped, also from inside onEvents, and a second stop is harmless', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      const inside: StoredEvent[] = [];
      let stopInside: Unsubscribe = () => undefined;
      stopInside = fx.store.tail(
        t,
        0,
        (events) => {
          inside.push(...events);
          stopInside();
        },
        { pollMs: 20 },
      );
      const outside: StoredEvent[] = [];
      const stopOutside = fx.store.tail(t, 0, (events) => outside.push(...events), { pollMs: 20 });
      await waitFor(() => expect([seqs(inside), seqs(outside)]).toEqual([[1], [1]]));
      stopOutside();
      stopOutside();
      await fx.store.append(t, { events: [{ key: 'b', data: 2 }] });
      await settle(fx, t);
      expect(seqs(inside)).toEqual([1]);
      expect(seqs(outside)).toEqual([1]);
    });

    it('refuses a bad topic name or start at once, with BAD_REQUEST naming it', () => {
      const none = (): void => undefined;
      expect(() => fx.store.tail('bad topic', 0, none)).toThrow(
        expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringMatching(/^topic/) as string }) as Error,
      );
      expect(() => fx.store.tail(freshTopic(), -1, none)).toThrow(
        expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringMatching(/^after/) as string }) as Error,
      );
    });
  });
}
