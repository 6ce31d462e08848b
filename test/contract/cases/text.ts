/**
 * Contract cases for storable text (model/text.ts): a lone surrogate (high alone, low alone, a
 * reversed pair) or NUL in a topic, key, contentType, invalidation reason, data string or data
 * member name is refused with the same 400 and the same message on every backend, in `append` and
 * in `appendBatch`, and nothing is written; astral characters (proper surrogate pairs) are stored
 * and read back identical. Read parameters: a lone surrogate in `key`, `prefix` or surface `after`
 * is a 400; NUL there is accepted and answered as for any key no store holds. `BAD_TEXT` and
 * `problemOf` are shared with the raw-HTTP tests of the server.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src-core/model/canonical';
import { hashData } from '../../../src-core/store/hash';
import type { AppendRequest, EventInput, JsonValue } from '../../../src-core/model/types';
import { type StoreFixture, expectCode, freshTopic, readAll, surfaceAll } from '../harness';

/** Unstorable strings, each with its problem at index 1 (after an ordinary first character). */
export const BAD_TEXT: readonly { name: string; text: string; problem: string }[] = [
  {
    name: 'a lone high surrogate',
    text: 'a\ud800b',
    problem: 'must be well-formed Unicode (it has a lone surrogate at index 1)',
  },
  {
    name: 'a lone low surrogate',
    text: 'a\udc00b',
    problem: 'must be well-formed Unicode (it has a lone surrogate at index 1)',
  },
  {
    name: 'a reversed surrogate pair',
    text: 'a\ude00\ud83db',
    problem: 'must be well-formed Unicode (it has a lone surrogate at index 1)',
  },
  { name: 'NUL', text: 'a\u0000b', problem: 'must not contain NUL (U+0000)' },
];

/** Well-formed text that looks close to the refused cases and must be stored exactly. */
export const GOOD_TEXT = 'ok 😀 \u{10ffff} \ufffd \u0001 \\u0000 \\ud800 é';

/** Where an unstorable string goes in one event, and the field path its refusal names. */
export const EVENT_FIELDS: readonly {
  field: string;
  event: (bad: string) => EventInput;
  message: (problem: string, bad: string) => string;
}[] = [
  { field: 'key', event: (bad) => ({ key: bad, data: 1 }), message: (p) => `events[1].key: ${p}` },
  {
    field: 'contentType',
    event: (bad) => ({ key: 'k', data: 1, contentType: bad }),
    message: (p) => `events[1].contentType: ${p}`,
  },
  { field: 'data (a string)', event: (bad) => ({ key: 'k', data: bad }), message: (p) => `events[1].data: ${p}` },
  {
    field: 'data (a nested string)',
    event: (bad) => ({ key: 'k', data: { a: { b: [1, bad] }, z: 1 } }),
    message: (p) => `events[1].data.a.b[1]: ${p}`,
  },
  {
    field: 'data (a member name)',
    event: (bad) => ({ key: 'k', data: { ok: { [bad]: 1 } } }),
    message: (p, bad) => `events[1].data.ok: member name ${JSON.stringify(bad)} ${p}`,
  },
];

/** A transaction whose second event carries `bad` in `field` (the first is fine). */
export function txnWith(event: EventInput): AppendRequest {
  return { events: [{ key: 'fine', data: 1 }, event] };
}

export function storableTextCases(fx: StoreFixture): void {
  describe('storable text', () => {
    for (const bad of BAD_TEXT) {
      for (const f of EVENT_FIELDS) {
        it(`refuses ${bad.name} in ${f.field} with the same 400 everywhere, writing nothing`, async () => {
          const t = freshTopic();
          await expectCode(
            fx.store.append(t, txnWith(f.event(bad.text))),
            'BAD_REQUEST',
            exactly(f.message(bad.problem, bad.text)),
          );
          expect(await fx.store.listTopics()).toEqual([]);
          // In a batch: the transaction before it is applied, it and everything after are not.
          const res = await fx.store.appendBatch([
            { topic: t, events: [{ key: 'first', data: 1 }] },
            { topic: t, ...txnWith(f.event(bad.text)) },
            { topic: t, events: [{ key: 'after', data: 1 }] },
          ]);
          expect(res.results.map((r) => r.txn)).toEqual([1]);
          expect(res.error).toEqual({
            index: 1,
            status: 400,
            code: 'BAD_REQUEST',
            message: `txns[1].${f.message(bad.problem, bad.text)}`,
          });
          expect((await readAll(fx.store, t)).map((e) => e.key)).toEqual(['first']);
        });
      }

      it(`refuses ${bad.name} in a topic name, writing nothing`, async () => {
        const topic = `t${bad.text}`;
        const message = `topic: ${JSON.stringify(topic)} is not a valid topic name`;
        await expectCode(
          fx.store.append(topic, { events: [{ key: 'a', data: 1 }] }),
          'BAD_REQUEST',
          startsWith(message),
        );
        const res = await fx.store.appendBatch([{ topic, events: [{ key: 'a', data: 1 }] }]);
        expect(res.error).toMatchObject({ index: 0, status: 400, code: 'BAD_REQUEST' });
        expect(res.error!.message.startsWith(`txns[0].${message}`)).toBe(true);
        expect(await fx.store.listTopics()).toEqual([]);
      });

      it(`refuses ${bad.name} in an invalidation reason, writing nothing`, async () => {
        const t = freshTopic();
        await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
        const before = await fx.store.topicInfo(t);
        await expectCode(fx.store.invalidate(t, 1, bad.text), 'BAD_REQUEST', exactly(`reason: ${bad.problem}`));
        expect(await fx.store.topicInfo(t)).toEqual(before);
        expect((await fx.store.getTxn(t, 1)).invalidatedBy).toBeNull();
      });
    }

    it('stores astral characters and look-alike text exactly, and reads them back identical', async () => {
      const t = freshTopic();
      const key = `k ${GOOD_TEXT}`;
      const data: JsonValue = { [GOOD_TEXT]: [GOOD_TEXT, { '😀': '\u{1f600}' }], plain: 'x' };
      const contentType = `text/plain; note="${GOOD_TEXT}"`;
      const r = await fx.store.append(t, { events: [{ key, data, contentType }] });
      expect(r.txn).toBe(1);
      const [e] = await readAll(fx.store, t);
      expect(e!.key).toBe(key);
      expect(e!.data).toEqual(data);
      expect(JSON.stringify(e!.data)).toBe(canonicalJson(data));
      expect(e!.contentType).toBe(contentType);
      expect(e!.hash).toBe(hashData(data));
      const [row] = await surfaceAll(fx.store, t);
      expect(row).toMatchObject({ key, data, hash: hashData(data) });
      expect((await fx.store.readEvents(t, { key })).events.map((x) => x.seq)).toEqual([1]);
      expect((await fx.store.surface(t, { prefix: 'k ok 😀' })).rows.map((x) => x.key)).toEqual([key]);
      // The same content again is a duplicate: nothing was altered on the way in.
      expect((await fx.store.append(t, { events: [{ key, data, contentType }] })).txn).toBeNull();
      const reason = `feed ${GOOD_TEXT}`;
      const inv = await fx.store.invalidate(t, 1, reason);
      expect((await fx.store.getTxn(t, 1)).reason).toBe(reason);
      expect((await fx.store.getTxn(t, inv.txn)).events[0]!.reason).toBe(reason);
    });

    it('refuses a lone surrogate in the key, prefix and after read parameters', async () => {
      const t = freshTopic();
      await fx.store.append(t, { events: [{ key: 'a', data: 1 }] });
      for (const bad of BAD_TEXT.filter((b) => b.text !== 'a\u0000b')) {
        await expectCode(fx.store.readEvents(t, { key: bad.text }), 'BAD_REQUEST', exactly(`key: ${bad.problem}`));
        await expectCode(fx.store.surface(t, { prefix: bad.text }), 'BAD_REQUEST', exactly(`prefix: ${bad.problem}`));
        await expectCode(fx.store.surface(t, { after: bad.text }), 'BAD_REQUEST', exactly(`after: ${bad.problem}`));
      }
    });

    it('accepts NUL in the key, prefix and after read parameters, answering as for any absent key', async () => {
      const t = freshTopic();
      await fx.store.append(t, {
        events: ['a', 'ab', 'ab\u0001', 'abc', 'b'].map((key) => ({ key, data: key })),
      });
      expect((await fx.store.readEvents(t, { key: 'ab\u0000' })).events).toEqual([]);
      expect(await fx.store.surface(t, { prefix: 'a\u0000' })).toEqual({ rows: [], next: null });
      const keysAfter = async (after: string): Promise<string[]> =>
        (await fx.store.surface(t, { after })).rows.map((r) => r.key);
      // "ab" < "ab\0x" < "ab\u0001": the cursor sits between them, as code point order says.
      expect(await keysAfter('ab\u0000x')).toEqual(['ab\u0001', 'abc', 'b']);
      expect(await keysAfter('\u0000')).toEqual(['a', 'ab', 'ab\u0001', 'abc', 'b']);
      const page = await fx.store.surface(t, { after: 'a\u0000', prefix: 'ab', limit: 2 });
      expect(page).toMatchObject({ next: 'ab\u0001' });
      expect(page.rows.map((r) => r.key)).toEqual(['ab', 'ab\u0001']);
    });
  });
}

/** A RegExp matching exactly `text` (the whole message). */
function exactly(text: string): RegExp {
  return new RegExp(`^${escape(text)}$`);
}

function startsWith(text: string): RegExp {
  return new RegExp(`^${escape(text)}`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
